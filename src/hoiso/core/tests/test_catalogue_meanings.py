"""One English source string, one Vietnamese meaning, whichever catalogue Django reads it from.

Django merges the project catalogue and every app's catalogue into one at run time, and for a
message found in several the first one read wins. A short string ("Remove", "Title", "Refuse")
translated differently in two apps therefore takes one meaning everywhere: deleting a post read
"Đưa ra khỏi danh sách", which is what one does to a member. Where the meanings differ the string
needs a context (`pgettext`, `{% translate "Remove" context "post" %}`); where they are the same,
the wording must be the same.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, pgettext

from hoiso.core.tests.test_translations import CATALOGUES, SRC, Entry, parse_po


def translations_by_message(
    catalogues: dict[str, list[Entry]],
) -> dict[tuple[str | None, str], dict[str, str]]:
    """(context, msgid) → {catalogue name: msgstr}, over every catalogue."""
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for name, entries in catalogues.items():
        for e in entries:
            if not e.is_header:
                seen[(e.msgctxt, e.msgid)][name] = e.msgstr.get(0, "")
    return seen


def clashes(catalogues: dict[str, list[Entry]]) -> list[str]:
    """One line per message translated differently in two catalogues."""
    out = []
    for (context, msgid), by_catalogue in sorted(
        translations_by_message(catalogues).items(), key=lambda kv: (kv[0][1], kv[0][0] or "")
    ):
        if len(set(by_catalogue.values())) > 1:
            where = "; ".join(f"{name}: {text!r}" for name, text in sorted(by_catalogue.items()))
            label = f"[{context}] {msgid!r}" if context else repr(msgid)
            out.append(f"{label} → {where}")
    return out


def _all_catalogues() -> dict[str, list[Entry]]:
    return {
        str(Path(*p.relative_to(SRC).parts[:-4]) or "project"): parse_po(
            p.read_text(encoding="utf-8")
        )
        for p in CATALOGUES
    }


def test_it_reads_the_app_catalogues_beside_the_project_one():
    names = set(_all_catalogues())
    assert {".", "activities", "comms", "targets"} <= names


def test_it_finds_a_message_translated_two_ways():
    a = parse_po(
        'msgid "Remove"\nmsgstr "Xóa"\n\nmsgctxt "post"\nmsgid "Title"\nmsgstr "Tiêu đề"\n'
    )
    b = parse_po('msgid "Remove"\nmsgstr "Đưa ra khỏi danh sách"\n\nmsgid "Title"\nmsgstr "Tên"\n')
    assert clashes({"comms": a, "members": b}) == [
        "'Remove' → comms: 'Xóa'; members: 'Đưa ra khỏi danh sách'"
    ]
    # The same words under two contexts, or the same wording twice, are no clash.
    assert clashes({"comms": a, "again": a}) == []


def test_no_message_has_two_translations_across_catalogues():
    found = clashes(_all_catalogues())
    assert not found, (
        "Translated differently in two catalogues; give each meaning a context (pgettext) or "
        "use one wording:\n" + "\n".join(found)
    )


def test_each_meaning_reaches_the_running_app():
    """The merged catalogue keeps both meanings apart (the .mo files carry the contexts)."""
    with translation.override("vi"):
        assert pgettext("post", "Remove") == "Xóa"
        assert pgettext("member", "Remove") == "Đưa ra khỏi danh sách"
        assert pgettext("post", "Title") == "Tiêu đề"
        assert pgettext("activity", "Title") == "Tên hoạt động"
        assert pgettext("equipment request", "Refuse") == "Không duyệt"
        assert pgettext("transfer", "Refuse") == "Từ chối"
        assert pgettext("column header", "Commune") == "Xã, phường"
        assert gettext("Previous") == "Trang trước"
