"""Bulk entry of posts from a .csv or .xlsx: read every row, report every error, write all or none.

Columns (first row, in any order, with or without diacritics): Kênh (the channel's link or name),
Ngày đăng, Đường dẫn (the post's link), Tiêu đề, Chủ đề, Livestream. The channel may be left empty
when the post's link names it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.comms.links import recognise, web_link
from hoiso.comms.models import Channel, Post, Topic
from hoiso.comms.services import _new_post
from hoiso.core import formats
from hoiso.core.sheets import read_bytes
from hoiso.core.text import clean, fold
from hoiso.units.models import Unit

MAX_ROWS = 20_000
HEADERS = {
    "channel": {"kenh", "ten kenh", "link kenh", "kenh dang", "trang"},
    "published_on": {"ngay", "ngay dang", "ngay dang bai", "ngay dang tin"},
    "url": {"duong dan", "link", "link bai", "link bai viet", "duong dan bai viet", "url"},
    "title": {"tieu de", "ten bai", "ten bai viet", "noi dung"},
    "topic": {"chu de", "linh vuc"},
    "is_livestream": {"livestream", "truc tiep", "phat truc tiep"},
}
TRUE_WORDS = {"co", "x", "1", "true", "yes", "livestream", "truc tiep"}


@dataclass
class ImportResult:
    rows: list[tuple[int, Channel, dict[str, Any]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_table(name: str, content: bytes) -> list[list[Any]]:
    """The first sheet (or the CSV) as rows of cells, read as member lists are (core.sheets, with
    its limits: a file past them raises UnreadableFile, whose message says what to fix)."""
    return read_bytes(content, name)[0].rows


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean(str(value or ""))
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _topic(value: str) -> str:
    folded = fold(value)
    if not folded:
        return ""
    for code, label in Topic.choices:
        if folded in (code, fold(str(label))):
            return code
    raise ValueError


def _columns(header: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = fold(str(cell or "")).strip(" :*")
        for key, names in HEADERS.items():
            if name in names and key not in found:
                found[key] = i
    return found


def parse(unit: Unit, table: list[list[Any]]) -> ImportResult:
    """Match every row to a channel of the unit's subtree; collect errors by row and column."""
    result = ImportResult()
    if not table:
        result.errors.append(_("The file is empty."))
        return result
    cols = _columns(table[0])
    if "published_on" not in cols or not ({"channel", "url"} & cols.keys()):
        result.errors.append(
            _(
                "Row 1 must name the columns: “Kênh” or “Đường dẫn”, and “Ngày đăng” (also "
                "possible: “Tiêu đề”, “Chủ đề”, “Livestream”)."
            )
        )
        return result
    if len(table) - 1 > MAX_ROWS:
        result.errors.append(
            _("The file has more than %(n)s rows; split it.") % {"n": formats.number(MAX_ROWS)}
        )
        return result
    channels = list(Channel.objects.filter(unit_path__startswith=unit.path, closed=False))
    by_key = {c.url_key: c for c in channels if c.url_key}
    by_name: dict[str, list[Channel]] = {}
    for c in channels:
        by_name.setdefault(fold(c.name), []).append(c)
    seen: set[tuple[int, str]] = set()
    today = timezone.localdate()

    def cell(row: list[Any], key: str) -> Any:
        i = cols.get(key)
        return row[i] if i is not None and i < len(row) else ""

    for line, row in enumerate(table[1:], start=2):
        if not any(clean(str(c or "")) for c in row):
            continue
        errors: list[str] = []
        url = web_link(clean(str(cell(row, "url") or ""))) or ""
        if clean(str(cell(row, "url") or "")) and not url:
            errors.append(_("column Đường dẫn: not a web address; it must start with https://"))
        given = clean(str(cell(row, "channel") or ""))
        channel = None
        if given:
            key = recognise(given).key if ("." in given or "/" in given) else ""
            matches = [by_key[key]] if key in by_key else by_name.get(fold(given), [])
            if len(matches) == 1:
                channel = matches[0]
            elif len(matches) > 1:
                errors.append(
                    _("column Kênh: several channels are called “%(v)s”; give its link")
                    % {"v": given}
                )
            else:
                errors.append(
                    _(
                        "column Kênh: no channel “%(v)s” in this unit; add it on the Channels page first"
                    )
                    % {"v": given}
                )
        elif url:
            channel = by_key.get(recognise(url).key)
            if channel is None:
                errors.append(
                    _("column Đường dẫn: the link does not show its channel; fill in column Kênh")
                )
        else:
            errors.append(_("columns Kênh and Đường dẫn are both empty"))
        data: dict[str, Any] = {"url": url, "title": clean(str(cell(row, "title") or ""))}
        raw_date = cell(row, "published_on")
        try:
            data["published_on"] = _date(raw_date)
        except ValueError:
            if url and recognise(url).published_on:
                data["published_on"] = recognise(url).published_on
            else:
                errors.append(
                    _("column Ngày đăng: “%(v)s” is not a date; write it as dd/mm/yyyy")
                    % {"v": raw_date}
                )
        try:
            data["topic"] = _topic(str(cell(row, "topic") or ""))
        except ValueError:
            errors.append(
                _("column Chủ đề: “%(v)s” is not one of the topics") % {"v": cell(row, "topic")}
            )
        data["is_livestream"] = fold(str(cell(row, "is_livestream") or "")) in TRUE_WORDS
        if channel and url:
            if (channel.pk, url) in seen:
                errors.append(_("column Đường dẫn: the same post appears twice in the file"))
            seen.add((channel.pk, url))
        if data.get("published_on") and data["published_on"] > today:
            errors.append(
                _("column Ngày đăng: %(v)s is in the future")
                % {"v": data["published_on"].strftime("%d/%m/%Y")}
            )
        if errors:
            result.errors.extend(
                _("Row %(line)s: %(error)s.") % {"line": line, "error": e} for e in errors
            )
        elif channel is not None:
            # The rules a post logged one by one must meet (a date before 2000, a link of
            # another channel): a row error here, not a failure when the rows are written.
            try:
                _new_post(channel, data, None)
            except ValidationError as e:
                result.errors.extend(
                    _("Row %(line)s: %(error)s.") % {"line": line, "error": m.rstrip(".")}
                    for m in _in_columns(e)
                )
            else:
                result.rows.append((line, channel, data))
    _already_recorded(result)
    return result


# The file's column for each field of a post, to say where a post's own rule was broken.
COLUMN_OF = {"url": "Đường dẫn", "title": "Tiêu đề", "published_on": "Ngày đăng", "topic": "Chủ đề",
             "channel": "Kênh"}  # fmt: skip


def _in_columns(error: ValidationError) -> list[str]:
    """A post's errors, each after the column of the file it comes from."""
    if not hasattr(error, "error_dict"):
        return error.messages
    return [
        _("column %(column)s: %(error)s") % {"column": COLUMN_OF[name], "error": m}
        if name in COLUMN_OF
        else m
        for name, messages in error.message_dict.items()
        for m in messages
    ]


def _already_recorded(result: ImportResult) -> None:
    """Rows whose post is already in Hội Số (one query for the whole file)."""
    urls = {data["url"] for _line, _channel, data in result.rows if data["url"]}
    if not urls:
        return
    existing = set(Post.objects.filter(url__in=urls).values_list("channel_id", "url"))
    for line, channel, data in result.rows:
        if (channel.pk, data["url"]) in existing:
            result.errors.append(
                _("Row %(line)s: column Đường dẫn: this post has already been recorded.")
                % {"line": line}
            )
