"""Unit names loaded from the official list wrote a curly apostrophe ("Xã Cư M’gar") where the
branches and what cadres type use the typewriter one ("Cư M'gar"): one spelling, the latter.
`core.text.clean` writes it so from now on."""

from typing import Any

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

CURLY = ("\u2019", "\u02bc")


def one_apostrophe(apps: Any, schema_editor: Any) -> None:
    Unit = apps.get_model("units", "Unit")
    for mark in CURLY:
        Unit.objects.filter(name__contains=mark).update(
            name=Replace("name", Value(mark), Value("'"))
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [migrations.RunPython(one_apostrophe, migrations.RunPython.noop)]
