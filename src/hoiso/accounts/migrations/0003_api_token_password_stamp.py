from django.db import migrations, models
from django.utils.crypto import salted_hmac


def stamp_existing(apps, schema_editor):
    # Tokens made before the stamp existed keep working until the password next changes
    # (the same fingerprint as hoiso.accounts.tokens.password_stamp).
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.select_related("user"):
        token.password_stamp = salted_hmac(
            "hoiso.accounts.tokens.password", token.user.password
        ).hexdigest()
        token.save(update_fields=["password_stamp"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_member_logins_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(stamp_existing, migrations.RunPython.noop),
    ]
