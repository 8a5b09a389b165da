"""Checks on a member's identity numbers, with errors that say what to fix."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The first three digits of a citizen ID: the province where the birth was registered, by the
# codes of the 63 provinces before the 2025 merger.
CID_PROVINCES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)


def cid_century_sex(digit: int) -> tuple[int, str]:
    """The fourth digit codes century and sex: 0/1 → 1900s male/female, 2/3 → 2000s, …"""
    return 1900 + (digit // 2) * 100, "M" if digit % 2 == 0 else "F"


def validate_citizen_id(cid: str, *, birth_year: int | None = None, sex: str | None = None) -> None:
    """A 12-digit CCCD whose province, century, sex and year agree with what else we know."""
    if len(cid) != 12 or not cid.isdigit():
        raise ValidationError(
            _("The citizen ID number must have exactly 12 digits (it has %(n)d).")
            % {"n": len(cid)},
            code="cid_length",
        )
    if cid[:3] not in CID_PROVINCES:
        raise ValidationError(
            _("The citizen ID number starts with %(code)s, which is not a province code.")
            % {"code": cid[:3]},
            code="cid_province",
        )
    century, cid_sex = cid_century_sex(int(cid[3]))
    year = century + int(cid[4:6])
    if birth_year is not None and birth_year != year:
        raise ValidationError(
            _("The citizen ID number is for someone born in %(cid)d, not %(year)d; check both.")
            % {"cid": year, "year": birth_year},
            code="cid_year",
        )
    if sex is not None and sex != cid_sex:
        message = (
            _("The citizen ID number is that of a man; check the number or the sex.")
            if cid_sex == "M"
            else _("The citizen ID number is that of a woman; check the number or the sex.")
        )
        raise ValidationError(message, code="cid_sex")


def validate_birth(born: dt.date | None, year: int | None, today: dt.date) -> None:
    if born and born > today:
        raise ValidationError({"birth_date": _("The date of birth is in the future.")})
    if year and not (1900 <= year <= today.year):
        raise ValidationError({"birth_year": _("The year of birth must be between 1900 and now.")})
