"""Declare the `member_metrics` index (made by targets/0002 with plain SQL) in the model's state,
so that a later change that rebuilds the members table on SQLite rebuilds the index too."""

from django.db import migrations, models

COLUMNS = (
    "province_id, commune_id, branch_id, status, join_date, status_since, "
    "has_smartphone, uses_zalo, uses_facebook"
)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_member_tally"),
        ("targets", "0002_member_metrics_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"CREATE INDEX IF NOT EXISTS member_metrics ON members_member ({COLUMNS})",
                    migrations.RunSQL.noop,
                )
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="member",
                    index=models.Index(
                        fields=[
                            "province",
                            "commune",
                            "branch",
                            "status",
                            "join_date",
                            "status_since",
                            "has_smartphone",
                            "uses_zalo",
                            "uses_facebook",
                        ],
                        name="member_metrics",
                    ),
                )
            ],
        )
    ]
