"""Cell values as they come from the field's spreadsheets, into what the member record holds.

Every parser takes whatever a spreadsheet reader returns (str, int, float, date, datetime, bool,
None) and returns a `Parsed`: a value, or an error in words a cadre can act on. None raises.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from hoiso.core.text import clean, fold, normalise_phone
from hoiso.members.choices import ETHNICITY_CHOICES, Religion
from hoiso.members.official import ETHNIC_NAMES, RELIGION_NAMES, Found

# Excel counts days from 30 December 1899 (with its 1900 leap-year quirk folded in).
EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


@dataclass(frozen=True)
class Parsed:
    value: Any = None
    error: str = ""
    # For a date known only by its year.
    year_only: bool = False

    @property
    def ok(self) -> bool:
        return not self.error


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return clean(str(cell))


def parse_date(cell: Any, *, today: dt.date | None = None) -> Parsed:
    """Excel dates, `05/03/1985`, `5-3-1985`, `1985-03-05`, or a year alone."""
    today = today or dt.date.today()
    if cell is None or cell == "":
        return Parsed()
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    if isinstance(cell, dt.date):
        return _in_range(cell, today)
    if isinstance(cell, bool):
        return Parsed(error=_("“%(v)s” is not a date; write it as dd/mm/yyyy.") % {"v": cell})
    if isinstance(cell, int | float):
        if isinstance(cell, float) and not math.isfinite(cell):
            return Parsed(error=_("“%(v)s” is not a date; write it as dd/mm/yyyy.") % {"v": cell})
        number = int(cell)
        if 1900 <= number <= today.year:
            return Parsed(value=number, year_only=True)
        if 1 <= number <= 80_000:  # a date cell read as its serial number
            return _in_range(EXCEL_EPOCH + dt.timedelta(days=number), today)
        return Parsed(error=_("“%(v)s” is not a date; write it as dd/mm/yyyy.") % {"v": cell})
    text = _text(cell)
    if m := _YEAR.match(text):
        year = int(m.group(1))
        if year > today.year:
            return Parsed(error=_("The year %(y)d is in the future.") % {"y": year})
        return Parsed(value=year, year_only=True)
    if m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DATE.match(text):
        day, month, year = (int(g) for g in m.groups())
        if year < 100:  # two-digit years: 85 → 1985, 05 → 2005
            year += 2000 if year <= today.year % 100 else 1900
    else:
        return Parsed(error=_("“%(v)s” is not a date; write it as dd/mm/yyyy.") % {"v": text})
    try:
        return _in_range(dt.date(year, month, day), today)
    except ValueError:
        return Parsed(
            error=_("“%(v)s” is not a real date (day %(d)d, month %(m)d); check it.")
            % {"v": text, "d": day, "m": month}
        )


def _in_range(value: dt.date, today: dt.date) -> Parsed:
    if value > today:
        return Parsed(error=_("The date %(d)s is in the future.") % {"d": f"{value:%d/%m/%Y}"})
    if value.year < 1900:
        return Parsed(error=_("The date %(d)s is too old; check it.") % {"d": f"{value:%d/%m/%Y}"})
    return Parsed(value=value)


def parse_phone(cell: Any) -> Parsed:
    """Phones with spaces, dots, +84, or the leading zero lost to a number cell."""
    text = _text(cell)
    if not text:
        return Parsed(value="")
    try:
        return Parsed(value=normalise_phone(text))
    except ValueError:
        return Parsed(
            error=_("“%(v)s” is not a phone number: 10 digits starting with 0.") % {"v": text}
        )


def parse_citizen_id(cell: Any) -> Parsed:
    """A 12-digit CCCD, typed as a number (lost zeros) or with spaces. The old 9-digit CMND is
    not a citizen ID number: it is refused with a message saying so."""
    text = "".join(_text(cell).replace(".", "").replace("-", "").split())
    if not text:
        return Parsed(value="")
    if not (text.isascii() and text.isdigit()):
        return Parsed(error=_("“%(v)s” has characters other than digits.") % {"v": text})
    if len(text) in (10, 11):  # a number cell dropped the leading zeros of 0xx…
        text = text.zfill(12)
    if len(text) == 9:
        return Parsed(
            error=_("%(v)s is an old 9-digit identity card (CMND); enter her 12-digit citizen ID "
                    "(CCCD), or leave the cell empty.") % {"v": text}
        )  # fmt: skip
    if len(text) != 12:
        return Parsed(
            error=_("The citizen ID number must have 12 digits (it has %(n)d).") % {"n": len(text)}
        )
    return Parsed(value=text)


def parse_name(cell: Any) -> Parsed:
    """Names in capitals, with doubled spaces, in decomposed Unicode: cleaned, in title case."""
    text = _text(cell)
    if not text:
        return Parsed(error=_("The full name is empty."))
    if any(ch.isdigit() for ch in text):
        return Parsed(error=_("“%(v)s” has digits in it; is it a name?") % {"v": text})
    if text.isupper() or text.islower():
        # "NGUYỄN THỊ BÌNH" → "Nguyễn Thị Bình"; "h'mai niê" → "H'Mai Niê".
        text = " ".join(_title(word) for word in text.split(" "))
    return Parsed(value=text)


def _title(word: str) -> str:
    parts = word.split("'")
    return "'".join(p[:1].upper() + p[1:].lower() for p in parts)


def _near_or_unknown(text: str, found: Found, labels: dict[int, str], unknown: str) -> Parsed:
    if found.near is not None:
        return Parsed(
            error=_("“%(v)s” is not an official name: is it “%(name)s”? Please correct the cell.")
            % {"v": text, "name": labels[found.near]}
        )
    return Parsed(error=unknown % {"v": text})


def _either(names: list[str]) -> str:
    """ "Công giáo or Tin Lành"; "A, B or C"."""
    if len(names) < 2:
        return "".join(names)
    return _("%(some)s or %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def parse_ethnicity(cell: Any) -> Parsed:
    """One of the 54 groups under its official name; "Ê-đê", "Jrai", "H'Mông", "Kinh (Việt)"…
    are read to theirs; a name several groups bore, or a misspelling, is an error that says so."""
    text = _text(cell)
    if not text:
        return Parsed(value=None)
    found = ETHNIC_NAMES.find(text)
    if found.value is not None:
        return Parsed(value=found.value)
    labels = {value: str(label) for value, label in ETHNICITY_CHOICES}
    if found.candidates:
        return Parsed(
            error=_("“%(v)s” has been the name of several ethnic groups (%(names)s): please write "
                    "the official name of hers.")
            % {"v": text, "names": ", ".join(labels[c] for c in found.candidates)}
        )  # fmt: skip
    unknown = _("“%(v)s” is not one of the 54 ethnic groups; check the spelling.")
    return _near_or_unknown(text, found, labels, unknown)


def parse_religion(cell: Any) -> Parsed:
    """A religion under its recognised name; "Thiên Chúa giáo", "đạo Phật", "PGHH"… are read
    to theirs; "Cơ Đốc giáo" (Catholic or Protestant) is asked."""
    text = _text(cell)
    if not text:
        return Parsed(value=int(Religion.NOT_RECORDED))
    found = RELIGION_NAMES.find(text)
    if found.value is not None:
        return Parsed(value=int(found.value))
    labels = {int(r): str(r.label) for r in Religion}
    if found.candidates:
        return Parsed(
            error=_("“%(v)s” may mean %(names)s: please write which.")
            % {"v": text, "names": _either([labels[c] for c in found.candidates])}
        )
    unknown = _("“%(v)s” is not a religion the list knows; check it.")
    return _near_or_unknown(text, found, labels, unknown)


def parse_text(cell: Any) -> Parsed:
    """Free text (an address, a card number): cleaned; its length is checked against the column
    it goes to (`plan.LIMITS`)."""
    return Parsed(value=_text(cell))


_FEMALE = {"nu", "n", "f", "female", "ba", "phu nu", "x"}
_MALE = {"nam", "m", "male", "ong"}


def parse_sex(cell: Any) -> Parsed:
    text = fold(_text(cell))
    if not text:
        return Parsed(value=None)
    if text in _FEMALE:
        return Parsed(value="F")
    if text in _MALE:
        return Parsed(value="M")
    return Parsed(error=_("“%(v)s” is not a sex; write Nữ or Nam.") % {"v": _text(cell)})


_YES = {"x", "co", "1", "yes", "true", "dang vien", "dv", "v", "✓", "c"}
_NO = {"", "0", "khong", "no", "false", "k", "-"}


def parse_yes_no(cell: Any) -> Parsed:
    if isinstance(cell, bool):
        return Parsed(value=cell)
    text = fold(_text(cell))
    if text in _YES:
        return Parsed(value=True)
    if text in _NO:
        return Parsed(value=False)
    return Parsed(error=_("“%(v)s” is neither yes nor no; write x for yes.") % {"v": _text(cell)})


# Education as lists write it: a level, or "9/12", "12/12" (grades of the general school).
_EDUCATION = {
    "khong": 0, "mu chu": 0, "chua di hoc": 0, "tieu hoc": 1, "cap 1": 1, "cap i": 1,
    "thcs": 2, "trung hoc co so": 2, "cap 2": 2, "cap ii": 2, "thpt": 3,
    "trung hoc pho thong": 3, "cap 3": 3, "cap iii": 3, "trung cap": 4, "so cap": 4,
    "nghe": 4, "hoc nghe": 4, "trung cap nghe": 4, "cao dang": 5, "dai hoc": 6, "cu nhan": 6,
    "thac si": 7, "tien si": 7, "sau dai hoc": 7,
}  # fmt: skip


def parse_education(cell: Any) -> Parsed:
    text = fold(_text(cell))
    if not text:
        return Parsed(value=None)
    if m := re.match(r"^(\d{1,2})\s*/\s*(10|12)$", text):
        grade, system = int(m.group(1)), int(m.group(2))
        if grade == 0:
            return Parsed(value=0)
        top = 5 if system == 12 else 4
        return Parsed(value=1 if grade <= top else 2 if grade <= system - 3 else 3)
    if text in _EDUCATION:
        return Parsed(value=_EDUCATION[text])
    return Parsed(
        error=_("“%(v)s” is not an education level; write e.g. 9/12, 12/12, Trung cấp, Đại học.")
        % {"v": _text(cell)}
    )
