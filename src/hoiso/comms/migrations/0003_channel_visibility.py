"""Channels get a visibility. Existing channels become public, except Zalo groups and cadres'
groups (a name saying "cán bộ"), which are closed groups: their invite links leave the public
pages. The rule is written out here as it stood, so that later changes to the app's own rule
(`comms.models.default_visibility`) do not change what this migration did."""

import re
import unicodedata

from django.db import migrations, models


def _fold(text):
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _closed_group(kind, name):
    return kind == "zalo_group" or re.search(r"\bcan bo\b", _fold(name)) is not None


def publish_open_channels(apps, schema_editor):
    Channel = apps.get_model("comms", "Channel")
    public = [
        pk
        for pk, kind, name in Channel.objects.values_list("pk", "kind", "name").iterator()
        if not _closed_group(kind, name)
    ]
    for start in range(0, len(public), 500):
        Channel.objects.filter(pk__in=public[start : start + 500]).update(visibility="public")


class Migration(migrations.Migration):
    dependencies = [
        ("comms", "0002_post_date_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="channel",
            name="visibility",
            field=models.CharField(
                choices=[("public", "Public"), ("members", "Members only")],
                default="members",
                max_length=10,
                verbose_name="who may see it",
            ),
        ),
        migrations.RunPython(publish_open_channels, migrations.RunPython.noop),
    ]
