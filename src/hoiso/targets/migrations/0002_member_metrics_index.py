"""An index that answers the member metrics (members at a period's end, admitted, removed, with
digital access) from the index alone, grouped by commune without a sort.

It lives on the members table but belongs to the targets' metrics, so it is created here with
plain SQL (the same statement on SQLite and PostgreSQL) and the members app's models stay as they
are. Without it each member metric over a province of 1,000,000 reads every member's row.
"""

from django.db import migrations

COLUMNS = (
    "province_id, commune_id, branch_id, status, join_date, status_since, "
    "has_smartphone, uses_zalo, uses_facebook"
)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0001_initial"),
        ("members", "0002_member_export"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS member_metrics ON members_member ({COLUMNS})",
            "DROP INDEX IF EXISTS member_metrics",
        )
    ]
