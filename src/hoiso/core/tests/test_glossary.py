"""The glossary (core/glossary.toml) holds: one name for each thing, everywhere a cadre reads.

Every forbidden variant is looked for in the msgstrs of every Vietnamese catalogue, in the text
of every template (outside its tags) and in the Vietnamese string literals of the Python code
(docstrings, tests and migrations aside); so are the spelling rules (tone marks in one place,
one apostrophe).
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from django.utils import translation

from hoiso.core.tests.test_translations import CATALOGUES, SRC, parse_po

GLOSSARY = SRC / "core" / "glossary.toml"
# A letter only Vietnamese uses: a literal holding one is Vietnamese text.
_VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I
)
# The modern placement of a tone mark on an open oa/oe/uy ("hoà, xoá, khoẻ, thuỷ"); after "qu"
# the mark belongs on the vowel that follows ("quý"), so a preceding q is no match.
_MODERN_TONE = re.compile(r"(?<![qQ])(?:o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])(?!\w)", re.I)
_CURLY_APOSTROPHE = re.compile(r"\w[’ʼ‘]\w")
_TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)


@dataclass(frozen=True)
class Text:
    where: str
    text: str


@dataclass(frozen=True)
class Rule:
    label: str
    pattern: re.Pattern[str]


def _phrase(phrase: str) -> re.Pattern[str]:
    """A phrase as whole words, whatever the case."""
    return re.compile(rf"(?<!\w){re.escape(unicodedata.normalize('NFC', phrase))}(?!\w)", re.I)


@cache
def glossary() -> dict:  # type: ignore[type-arg]
    with GLOSSARY.open("rb") as f:
        return tomllib.load(f)


def rules() -> list[Rule]:
    out = [
        Rule("tone mark placed the modern way (write hòa, xóa, thủy)", _MODERN_TONE),
        Rule("curly apostrophe (write Cư M'gar with ')", _CURLY_APOSTROPHE),
    ]
    for term in glossary()["term"]:
        for phrase in term.get("forbidden", []):
            out.append(Rule(f"{phrase!r} (write {term['vi']!r})", _phrase(phrase)))
        for pattern in term.get("forbidden_patterns", []):
            out.append(Rule(f"/{pattern}/ (write {term['vi']!r})", re.compile(pattern, re.M)))
    return out


def catalogue_texts() -> list[Text]:
    out = []
    for po in CATALOGUES:
        for e in parse_po(po.read_text(encoding="utf-8")):
            if not e.is_header:
                where = f"{po.relative_to(SRC)}:{e.line} ({e.msgid!r})"
                out += [Text(where, s) for s in e.msgstr.values()]
    return out


def template_texts() -> list[Text]:
    out = []
    for path in sorted(SRC.glob("**/templates/**/*.html")):
        out.append(Text(str(path.relative_to(SRC)), _TEMPLATE_TAG.sub(" ", path.read_text())))
    return out


_GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext",
            "ngettext_lazy", "npgettext", "npgettext_lazy"}  # fmt: skip


def _not_shown(tree: ast.AST) -> set[int]:
    """Docstrings, and the English source strings of translations (their msgstrs are read)."""
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            found.add(id(body[0].value))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in _GETTEXT:
            found |= {id(arg) for arg in node.args}
    return found


def python_texts() -> list[Text]:
    out = []
    for path in sorted(SRC.glob("**/*.py")):
        if {"tests", "migrations"} & set(path.relative_to(SRC).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _not_shown(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
                and _VIETNAMESE.search(node.value)
            ):
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                out.append(Text(where, node.value))
    return out


def offences(texts: list[Text]) -> list[str]:
    found = []
    all_rules = rules()
    for t in texts:
        text = unicodedata.normalize("NFC", t.text)
        for rule in all_rules:
            if m := rule.pattern.search(text):
                found.append(f"{t.where}: {m.group(0)!r} is {rule.label}")
    return found


def test_the_glossary_names_each_term_once():
    terms = glossary()["term"]
    assert len(terms) >= 15
    names = [t["vi"] for t in terms]
    assert len(names) == len(set(names))
    assert glossary()["style"]["tone_marks"] == "traditional"


def test_the_rules_catch_what_they_are_meant_to():
    sample = [
        Text("a", "Lưu điểm danh"),
        Text("b", "Xoá bài đăng"),
        Text("c", "Cư M’gar"),
        Text("d", "Mẫu"),
        Text("e", "Bài chị ghi gần đây"),
    ]
    assert [o.split(":")[0] for o in offences(sample)] == ["a", "b", "c", "d", "e"]
    fine = [Text("f", "Quý IV/2026: quý, Quỳnh, hoàn thành, xóa, thủy, Cư M'gar, tệp mẫu")]
    assert offences(fine) == []


@pytest.mark.parametrize(
    "source", [catalogue_texts, template_texts, python_texts], ids=lambda f: f.__name__
)
def test_no_forbidden_variant_is_shown(source):
    texts = source()
    assert texts
    found = offences(texts)
    assert not found, "Not as the glossary (core/glossary.toml) says:\n" + "\n".join(found)


def test_training_results_rise_as_the_glossary_orders_them():
    from hoiso.activities.choices import Result

    levels = next(t["levels"] for t in glossary()["term"] if "levels" in t)
    with translation.override("vi"):
        labels = [str(r.label) for r in Result if r != Result.NOT_ASSESSED]
    assert labels == levels
    assert [r.value for r in Result if r != Result.NOT_ASSESSED] == sorted(
        r.value for r in Result if r != Result.NOT_ASSESSED
    )


def test_periods_are_labelled_as_the_union_writes_them():
    from hoiso.metrics.periods import Period

    day = dt.date(2026, 11, 5)
    with translation.override("vi"):
        assert Period.containing("quarter", day).label() == "Quý IV/2026"
        assert Period.containing("quarter", dt.date(2026, 2, 1)).label() == "Quý I/2026"
        assert Period.containing("month", day).label() == "Tháng 11/2026"
        assert Period.containing("month", dt.date(2026, 3, 1)).label() == "Tháng 3/2026"
        assert Period.containing("year", day).label() == "Năm 2026"


def test_the_glossary_test_reads_the_files_it_means_to():
    assert any(str(t.where).startswith("comms/locale") for t in catalogue_texts())
    assert any("members/templates" in t.where for t in template_texts())
    assert any(t.where.startswith("demo/") for t in python_texts())
    assert Path(GLOSSARY).exists()


# Calls whose message is an error shown to the user: ValidationError(…), messages.error(…),
# form.add_error(…), an import cell's Parsed(error=…), a refused import job's Refused(…).
_ERROR_CALLS = {"ValidationError", "add_error", "Parsed", "Refused"}


def _call_name(func: ast.expr) -> str | None:
    return getattr(func, "id", None) or getattr(func, "attr", None)


def _is_error_call(node: ast.Call) -> bool:
    name = _call_name(node.func)
    if name == "error":  # messages.error(request, …)
        return isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == (
            "messages"
        )
    return name in _ERROR_CALLS


def error_messages() -> list[tuple[str, str | None, str]]:
    """(where, context, msgid) of every translated message raised or shown as an error."""
    found = []
    for path in sorted(SRC.glob("**/*.py")):
        if {"tests", "migrations"} & set(path.relative_to(SRC).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and _is_error_call(node)):
                continue
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and _call_name(call.func) in _GETTEXT and call.args:
                    args = list(call.args)
                    context = None
                    if str(_call_name(call.func)).startswith(("pgettext", "npgettext")):
                        context = args.pop(0).value  # type: ignore[attr-defined]
                    if args and isinstance(args[0], ast.Constant):
                        where = f"{path.relative_to(SRC)}:{call.lineno}"
                        found.append((where, context, args[0].value))
    return found


def test_every_error_says_what_to_do_starting_with_vui_long():
    translations = {}
    for po in CATALOGUES:
        for e in parse_po(po.read_text(encoding="utf-8")):
            translations[(e.msgctxt, e.msgid)] = e.msgstr.get(0, "")
    errors = error_messages()
    assert len(errors) > 50
    lacking = [
        f"{where}: {msgid!r} → {translations.get((context, msgid))!r}"
        for where, context, msgid in errors
        if "vui lòng" not in translations.get((context, msgid), "").lower()
    ]
    assert not lacking, "An error that asks nothing of the cadre:\n" + "\n".join(lacking)
