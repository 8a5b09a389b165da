"""The import graph runs one way: each app imports only the apps below it (see core/layers.py and
the README's Architecture). Like the permission matrix for URLs: a new import that runs upward,
sideways or in a circle fails here, and there is no list of exceptions to add it to."""

from __future__ import annotations

from pathlib import Path

import hoiso
from hoiso.core.layers import LAYER_OF, circles, imports, violations
from hoiso.core.tests.trees import source_tree

SOURCE = Path(hoiso.__file__).parent


def test_every_app_of_the_source_has_a_layer():
    apps = {p.name for p in SOURCE.iterdir() if (p / "apps.py").exists()}
    assert apps - set(LAYER_OF) == set()


def test_no_import_runs_upward_or_sideways():
    found = violations(SOURCE)
    assert not found, "\n".join(found)


def test_no_two_apps_import_each_other_in_a_circle():
    found = [" → ".join(circle) for circle in circles(SOURCE)]
    assert not found, "\n".join(found)


def test_it_reads_imports_inside_functions_and_relative_ones(tmp_path):
    root = source_tree(tmp_path, {
        "units/services.py": "def f():\n    from hoiso.members.models import Member\n",
        "units/models.py": "from . import services\nimport hoiso.core.text\n",
    })  # fmt: skip
    found = {(i.where, i.target) for i in imports(root)}
    assert found == {
        ("units/services.py:2", "hoiso.members.models"),
        ("units/models.py:1", "hoiso.units"),
        ("units/models.py:2", "hoiso.core.text"),
    }


def test_it_fails_on_an_upward_a_sideways_and_a_private_import(tmp_path):
    root = source_tree(tmp_path, {
        "core/access.py": "from hoiso.accounts.models import Assignment\n",
        "comms/forms.py": "from hoiso.activities.forms import _date_field\n",
        "members/forms.py": "from hoiso.units.models import Unit\n",  # downward: fine
        "urls.py": "from hoiso.pages import views\n",  # the project stands above every app
    })  # fmt: skip
    assert violations(root) == [
        "comms/forms.py:1: hoiso.activities.forms: comms imports its peer activities",
        "comms/forms.py:1: hoiso.activities.forms: takes activities's private _date_field",
        "core/access.py:1: hoiso.accounts.models: core imports accounts, above it",
    ]


def test_it_ignores_tests_and_migrations_but_not_an_app_without_a_layer(tmp_path):
    root = source_tree(tmp_path, {
        "core/tests/test_x.py": "from hoiso.demo import services\n",
        "core/migrations/0001_x.py": "from hoiso.units.models import Unit\n",
        "gazette/views.py": "from hoiso.core import audit\n",
    })  # fmt: skip
    assert violations(root) == ["gazette/views.py:1: hoiso.core: the app gazette has no layer"]


def test_it_finds_a_circle_between_apps(tmp_path):
    root = source_tree(tmp_path, {
        "members/stats.py": "from hoiso.targets.cache import clear\n",
        "targets/metrics.py": "def f():\n    from hoiso.members.models import Member\n",
    })  # fmt: skip
    assert circles(root) == [["members", "targets", "members"]]


def test_the_projects_own_modules_stand_above_every_app(tmp_path):
    root = source_tree(tmp_path, {
        "api.py": "from hoiso.members.api import router\n",
        "urls.py": "from hoiso.api import api\n",
        "members/api.py": "from hoiso.api import api\n",
    })  # fmt: skip
    assert violations(root) == ["members/api.py:1: hoiso.api: members imports project, above it"]
