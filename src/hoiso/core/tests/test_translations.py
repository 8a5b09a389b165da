"""The Vietnamese catalogue is complete, its compiled .mo matches it, and pages speak Vietnamese."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

SRC = Path(__file__).resolve().parents[2]
# The project's catalogue, and those of apps that keep their own (app/locale/vi/LC_MESSAGES).
CATALOGUES = sorted(SRC.glob("**/locale/vi/LC_MESSAGES/django.po"))

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")
# Python-format and blocktranslate placeholders: %(name)s, plus a bare %s or %d.
_PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def _unquote(token: str, lineno: int) -> str:
    assert token.startswith('"') and token.endswith('"'), f"django.po:{lineno}: bad string"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), token[1:-1])


def parse_po(text: str) -> list[Entry]:
    """A small .po reader: entries with their flags, contexts, plurals; obsolete (#~) skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None  # (field, plural index) continuation lines extend
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"django.po:{lineno}: stray string"
            name, position = target
            value = _unquote(line, lineno)
            if name == "msgstr":
                entry.msgstr[position] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        match = _KEYWORD.match(line)
        assert match, f"django.po:{lineno}: cannot read {raw!r}"
        keyword, plural_index, token = match.groups()
        value = _unquote(token, lineno)
        # An entry ends with its msgstr; msgctxt, or a msgid after a msgstr, begins the next one.
        if keyword == "msgctxt" or (keyword == "msgid" and (entry is None or entry.msgstr)):
            entry = Entry(flags=flags, line=lineno)
            entries.append(entry)
            flags = set()
        assert entry is not None, f"django.po:{lineno}: {keyword} before any msgid"
        if keyword.startswith("msgstr"):
            position = int(plural_index) if plural_index is not None else 0
            entry.msgstr[position] = value
            target = ("msgstr", position)
        else:
            setattr(entry, keyword, value)
            target = (keyword, 0)
    return entries


@pytest.fixture(
    scope="module", params=CATALOGUES, ids=[str(p.relative_to(SRC)) for p in CATALOGUES]
)
def po(request: pytest.FixtureRequest) -> Path:
    return request.param


@pytest.fixture(scope="module")
def entries(po: Path) -> list[Entry]:
    parsed = parse_po(po.read_text(encoding="utf-8"))
    assert len(parsed) > 1, f"{po} holds no messages"
    return parsed


def test_it_finds_the_project_catalogue():
    assert SRC / "locale" / "vi" / "LC_MESSAGES" / "django.po" in CATALOGUES


def _messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if not e.is_header]


def test_it_reads_a_po_file_with_plurals_contexts_and_continuations():
    parsed = parse_po(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "month"\nmsgid "May"\nmsgstr "Tháng \\"5\\""\n\n'
        'msgid ""\n"%(n)s unit "\n"below"\nmsgid_plural "%(n)s units below"\n'
        'msgstr[0] "%(n)s đơn vị"\n\n#~ msgid "Old"\n#~ msgstr "Cũ"\n'
    )
    header, may, units = parsed
    assert header.is_header and header.msgstr == {0: "Language: vi\n"}
    assert (may.msgctxt, may.msgid, may.msgstr[0]) == ("month", "May", 'Tháng "5"')
    assert may.flags == {"fuzzy", "python-format"}
    assert units.msgid == "%(n)s unit below" and units.msgid_plural == "%(n)s units below"
    assert units.msgstr == {0: "%(n)s đơn vị"} and not units.flags


def test_it_has_a_vietnamese_header_with_one_plural_form(entries):
    header = next(e for e in entries if e.is_header)
    assert "fuzzy" not in header.flags
    assert "Language: vi\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_it_translates_every_message(entries):
    problems = []
    for e in _messages(entries):
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: fuzzy: {e.msgid!r}")
        # Vietnamese has one plural form, so plural entries too carry msgstr[0] alone.
        if sorted(e.msgstr) != [0] or not e.msgstr[0].strip():
            problems.append(f"line {e.line}: untranslated: {e.msgid!r}")
    assert not problems, "\n".join(problems)


def test_it_keeps_every_placeholder(entries):
    problems = []
    for e in _messages(entries):
        wanted = sorted(_PLACEHOLDER.findall(e.msgid))
        for text in e.msgstr.values():
            if text and sorted(_PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"line {e.line}: {e.msgid!r} → {text!r}")
    assert not problems, "\n".join(problems)


class _Missing(gettext.NullTranslations):
    """A fallback that remembers every message the .mo did not have."""

    def __init__(self) -> None:
        super().__init__()
        self.missing: list[str] = []

    def gettext(self, message: str) -> str:
        self.missing.append(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.missing.append(msgid1)
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        self.missing.append(f"{context}\x04{message}")
        return message


def test_it_ships_a_compiled_catalogue_that_matches_the_po(po, entries):
    with po.with_suffix(".mo").open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    missing = _Missing()
    catalogue.add_fallback(missing)
    stale = []
    for e in _messages(entries):
        if e.msgid_plural is not None:
            got = catalogue.ngettext(e.msgid, e.msgid_plural, 1)
        elif e.msgctxt is not None:
            got = catalogue.pgettext(e.msgctxt, e.msgid)
        else:
            got = catalogue.gettext(e.msgid)
        if got != e.msgstr[0]:
            stale.append(f"{e.msgid!r}: .mo has {got!r}, .po has {e.msgstr[0]!r}")
    assert not missing.missing, f"not in django.mo (run `make messages`): {missing.missing}"
    assert not stale, "django.mo is out of date (run `make messages`):\n" + "\n".join(stale)


def test_it_shows_the_login_page_in_vietnamese_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập Hội Số" in response.text
    assert "Tên đăng nhập hoặc số điện thoại" in response.text
    assert "Quên mật khẩu?" in response.text
    assert "Log in" not in response.text
