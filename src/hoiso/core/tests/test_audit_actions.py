"""Every action written to the audit log is declared by its app with a label a cadre reads: the
test reads every `audit.log(` call in the source, so a new action without one fails the suite."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils.translation import override

from hoiso.core import audit_actions
from hoiso.core.models import AuditEvent

SOURCE = Path(__file__).resolve().parents[2]  # src/hoiso


def _audit_calls() -> list[tuple[str, int, ast.expr | None]]:
    """(file, line, action argument) of every `audit.log(…)` outside the tests."""
    calls = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "tests" in path.relative_to(SOURCE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "log"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                given = [kw.value for kw in node.keywords if kw.arg == "action"]
                action = node.args[1] if len(node.args) > 1 else (given[0] if given else None)
                calls.append((str(path.relative_to(SOURCE)), node.lineno, action))
    return calls


CALLS = _audit_calls()


def _names(action: ast.expr | None) -> list[str] | None:
    """The action names an argument can take: a literal, or either side of `a if … else b`."""
    if isinstance(action, ast.Constant) and isinstance(action.value, str):
        return [action.value]
    if isinstance(action, ast.IfExp):
        body, orelse = _names(action.body), _names(action.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def test_it_finds_the_audit_calls_of_every_app() -> None:
    files = {f.split("/")[0] for f, _line, _action in CALLS}
    assert {"accounts", "activities", "comms", "members", "targets", "units", "demo"} <= files


def test_every_audit_call_names_its_action_in_full() -> None:
    # A computed name (f"equipment_request.{step}") cannot be checked against the declarations.
    computed = [f"{f}:{line}" for f, line, action in CALLS if _names(action) is None]
    assert computed == []


def test_every_audited_action_is_declared_with_a_label() -> None:
    used = {name for _f, _line, action in CALLS for name in _names(action) or []}
    undeclared = sorted(used - audit_actions.ACTIONS.keys())
    assert undeclared == []
    with override("vi"):
        untranslated = sorted(
            code for code in used if str(audit_actions.ACTIONS[code]) in ("", code)
        )
    assert untranslated == []


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("post.logged", "Ghi bài đăng"),
        ("target.created", "Giao chỉ tiêu"),
        ("dues.recorded", "hội phí"),
    ],
)
def test_the_log_shows_the_label_not_the_code(action: str, words: str) -> None:
    with override("vi"):
        assert words in AuditEvent(action=action).action_label


def test_an_action_cannot_be_declared_twice_with_two_labels() -> None:
    with pytest.raises(ValueError, match=r"member\.admitted"):
        audit_actions.declare({"member.admitted": "Something else"})
