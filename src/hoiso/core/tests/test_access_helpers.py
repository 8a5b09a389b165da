"""One object by an id from the URL or a form is fetched one way: `access_<thing>(scope, pk)` in its
app's `selectors.py`, each the one helper `accounts.access.access(queryset, pk, what)` over the
queryset the caller may see (see the README's Architecture).

The rule, read off the source like the layer test reads imports: in a module that serves requests
(it defines a function taking an `HttpRequest`: views, the API, the public pages), there is no
`get_object_or_404`, no `.get(pk=…)` and no `.filter(pk=…)` of an id. Re-reading an object already
in hand (`.get(pk=unit.pk)`, `.filter(pk=item.pk)`) is not fetching by input and passes. There is
no list of exceptions: a new view that looks an object up by itself fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import hoiso
from hoiso.core.tests.trees import source_tree

SOURCE = Path(hoiso.__file__).parent
# Where the rule does not apply: the helpers themselves, tests and migrations.
EXEMPT_NAMES = {"selectors.py"}
EXEMPT_PATHS = {"accounts/access.py"}
EXEMPT_DIRS = {"tests", "migrations"}
ID_KEYWORDS = {"pk", "id"}


def _serves_requests(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for arg in node.args.args:
                if arg.annotation is not None and "HttpRequest" in ast.unparse(arg.annotation):
                    return True
    return False


def _in_hand(value: ast.expr) -> bool:
    """`something.pk` or `something.id`: an object already fetched, read again."""
    return isinstance(value, ast.Attribute) and value.attr in ID_KEYWORDS


def _lookups(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in ("get_object_or_404", "get_list_or_404"):
            found.append((node.lineno, name))
        elif isinstance(func, ast.Attribute) and name in ("get", "filter"):
            for kw in node.keywords:
                if kw.arg in ID_KEYWORDS and not _in_hand(kw.value):
                    found.append((node.lineno, f".{name}({kw.arg}={ast.unparse(kw.value)})"))
    return found


def findings(root: Path) -> list[str]:
    """Each look-up by id outside the selectors, as `path:line: what`."""
    out = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if (
            path.name in EXEMPT_NAMES
            or rel.as_posix() in EXEMPT_PATHS
            or EXEMPT_DIRS & set(rel.parts[:-1])
        ):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if _serves_requests(tree):
            out += [f"{rel.as_posix()}:{line}: {what}" for line, what in sorted(_lookups(tree))]
    return out


def test_every_object_by_id_comes_through_an_access_helper():
    found = findings(SOURCE)
    assert not found, "fetch it with access_<thing>(scope, pk) in selectors.py:\n" + "\n".join(
        found
    )


VIEW = "from django.http import HttpRequest\n\ndef page(request: HttpRequest, pk: int):\n"


def test_it_fails_on_each_way_of_fetching_by_id_in_a_view_module(tmp_path):
    root = source_tree(tmp_path, {
        "comms/views.py": VIEW + "    return get_object_or_404(Post, pk=pk)\n",
        "targets/views.py": VIEW + "    return Target.objects.get(pk=pk)\n",
        "activities/digital.py": VIEW + "    return Equipment.objects.filter(unit=u, pk=pk).first()\n",
        "members/api.py": VIEW + "    return Member.objects.filter(id=request.GET['id']).first()\n",
        "accounts/views.py": VIEW + "    return helper(pk)\n\ndef helper(pk):\n"
                             "    return ApiToken.objects.filter(pk=pk).first()\n",
    })  # fmt: skip
    assert findings(root) == [
        "accounts/views.py:7: .filter(pk=pk)",
        "activities/digital.py:4: .filter(pk=pk)",
        "comms/views.py:4: get_object_or_404",
        "members/api.py:4: .filter(id=request.GET['id'])",
        "targets/views.py:4: .get(pk=pk)",
    ]


def test_it_lets_selectors_services_and_re_reads_pass(tmp_path):
    root = source_tree(tmp_path, {
        "comms/selectors.py": VIEW + "    return Channel.objects.filter(pk=pk).first()\n",
        "comms/services.py": "def update(pk):\n    return Channel.objects.get(pk=pk)\n",
        "pages/units.py": VIEW + "    return Unit.objects.get(pk=scope.unit.pk)\n",
        "accounts/access.py": VIEW + "    return qs.filter(pk=pk).first()\n",
        "members/tests/test_x.py": VIEW + "    return get_object_or_404(Member, pk=pk)\n",
    })  # fmt: skip
    assert findings(root) == []
