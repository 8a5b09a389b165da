"""Accounts in bulk: a spreadsheet of cadres (name, phone, unit, role, full-time or not) becomes
accounts and assignments, after a preview whose errors name the row and the field.

The rules are those of the one-account form (`services.account_create`, `_check_can_grant`): a
unit only inside the uploader's subtree, matched exactly by code or name (a name several units
share, or one that only nearly matches, is put to her, never guessed); a role only if she holds
its rights there. Each new account gets a one-time password and must choose her own at first
login (`User.must_change_password`, as for members' accounts). The uploader chooses how the
passwords reach them: printed on login slips (`slips_pdf`; the passwords kept only in the cache for
`SLIP_SECONDS`), or each sent to the cadre's own phone through the notifications service (the
`PasswordCourier` that app plugs in here, a layer above; the message is a secret one, erased once
sent), with a slip kept only for a cadre the courier cannot reach.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from hoiso.accounts.models import AccountImport, Assignment, User
from hoiso.accounts.roles import MANAGE_ACCOUNTS, PERMISSIONS, Role
from hoiso.accounts.services import clean_phone, perms_at
from hoiso.core import audit
from hoiso.core.sheets import Sheet
from hoiso.core.text import clean, fold
from hoiso.units.models import Unit

FIELDS = ("full_name", "phone", "unit", "role", "full_time")
# Header spellings, folded and without spaces or punctuation.
HEADERS = {
    "full_name": ("hovaten", "hoten", "tencanbo", "hotencanbo", "ten"),
    "phone": ("sodienthoai", "dienthoai", "sdt", "sodt", "dt"),
    "unit": ("donvi", "madonvi", "tendonvi", "cosohoi", "noicongtac"),
    "role": ("vaitro", "quyen"),
    "full_time": ("chuyentrach", "canbochuyentrach", "chuyentrachhaykhong"),
}
ROLE_WORDS = {
    Role.UNIT_ADMIN: ("quantri", "quantridonvi", "admin"),
    Role.CADRE: ("canbo", "cadre"),
    Role.BRANCH_HEAD: ("chihoitruong", "branchhead", "branch_head"),
    Role.VIEWER: ("nguoixem", "xem", "viewer"),
}
YES = ("x", "co", "1", "chuyentrach", "yes", "true", "dung")
NO = ("", "khong", "0", "no", "false", "kiemnhiem")
# Unit names as lists write them without the kind of unit in front.
_UNIT_KINDS = ("chihoi", "xa", "phuong", "dackhu", "tinh", "thanhpho", "to")
SLIP_SECONDS = 24 * 3600
MAX_ROWS = 2000


class PasswordCourier(Protocol):
    """Sends each new account her one-time password; returns the ids of those it reached."""

    def __call__(
        self, *, actor: User, unit: Unit, passwords: list[tuple[User, str]], login_url: str,
        key: str,
    ) -> set[int]: ...  # fmt: skip


_couriers: list[PasswordCourier] = []


def set_password_courier(courier: PasswordCourier) -> None:
    """Plug in the way passwords are sent (the notifications app does, when it starts)."""
    _couriers[:] = [courier]


def can_send_passwords() -> bool:
    return bool(_couriers)


def _key(text: Any) -> str:
    return re.sub(r"[^0-9a-z_]", "", fold(clean(str(text or ""))))


def _bare(name_key: str) -> str:
    for kind in _UNIT_KINDS:
        if name_key.startswith(kind) and len(name_key) > len(kind):
            return name_key[len(kind) :]
    return name_key


@dataclass
class CadreRow:
    number: int
    cells: dict[str, str]
    full_name: str = ""
    phone: str = ""
    unit_id: int | None = None
    unit_name: str = ""
    role: str = ""
    full_time: bool = False
    existing_user_id: int | None = None  # the phone is hers already: a role is added
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append((column, message))


@dataclass
class CadrePlan:
    rows: list[CadreRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required columns not found

    def summary(self) -> dict[str, int]:
        ok = [r for r in self.rows if r.ok]
        return {
            "rows": len(self.rows),
            "new": len({r.phone for r in ok if r.existing_user_id is None}),
            "roles": len(ok),
            "error": len(self.rows) - len(ok),
        }


def column_labels() -> dict[str, str]:
    return {
        "full_name": _("Full name"),
        "phone": _("Phone number"),
        "unit": _("Unit"),
        "role": _("Role"),
        "full_time": _("Full-time cadre"),
    }


def read_rows(sheets: list[Sheet]) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The cadres' rows of the first sheet that has a name column: (row number, {field: text}),
    and the required columns the sheet lacks."""
    for sheet in sheets:
        for h, header in enumerate(sheet.rows[:20]):
            columns: dict[str, int] = {}
            for c, cell in enumerate(header):
                k = _key(cell)
                for name, spellings in HEADERS.items():
                    if k in spellings and name not in columns:
                        columns[name] = c
            if "full_name" not in columns:
                continue
            rows = []
            for n, cells in enumerate(sheet.rows[h + 1 :], start=h + 2):
                values = {
                    name: clean(str(cells[c])) if c < len(cells) and cells[c] is not None else ""
                    for name, c in columns.items()
                }
                if any(values.values()):
                    rows.append((n, _as_text(values)))
            missing = [
                name for name in ("full_name", "phone", "unit", "role") if name not in columns
            ]
            return rows[:MAX_ROWS], missing
    return [], ["full_name", "phone", "unit", "role"]


def _as_text(values: dict[str, str]) -> dict[str, str]:
    # A phone typed as a number has lost its zero and may read as a float ("912000001.0").
    phone = values.get("phone", "")
    if re.fullmatch(r"\d+\.0", phone):
        values["phone"] = phone[:-2]
    return values


class _Units:
    """The active units of the uploader's subtree, by code and by name."""

    def __init__(self, top: Unit) -> None:
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = {}
        self.by_bare: dict[str, list[Unit]] = {}
        units = Unit.objects.within(top).active().select_related("parent")
        for unit in units:
            self.by_code[unit.code.lower()] = unit
            self.by_name.setdefault(_key(unit.name), []).append(unit)
            self.by_bare.setdefault(_bare(_key(unit.name)), []).append(unit)

    def find(self, text: str) -> tuple[Unit | None, str]:
        """The unit `text` names exactly, or None and what to tell the cadre."""
        if text.lower() in self.by_code:
            return self.by_code[text.lower()], ""
        same = self.by_name.get(_key(text), [])
        if len(same) == 1:
            return same[0], ""
        if same:
            return None, _("%(n)d units are called “%(name)s”: %(which)s. Please write the code "
                           "of the one you mean.") % {
                "n": len(same), "name": text, "which": _described(same)}  # fmt: skip
        near = self.by_bare.get(_bare(_key(text)), [])
        if near:
            return None, _("No unit is called exactly “%(name)s”. Did you mean %(which)s? Please "
                           "write its name or code as it is here.") % {
                "name": text, "which": _described(near)}  # fmt: skip
        return None, _("Please check the unit: there is no unit “%(name)s” among yours.") % {
            "name": text
        }


def _described(units: list[Unit]) -> str:
    return "; ".join(
        f"{u.name} ({_('code')} {u.code}" + (f", {u.parent.name})" if u.parent else ")")
        for u in units[:5]
    )


def _role(text: str) -> str:
    k = _key(text)
    return next((role for role, words in ROLE_WORDS.items() if k in words), "")


def plan_cadres(rows: list[tuple[int, dict[str, str]]], *, actor: User, top: Unit) -> CadrePlan:
    """Check every row as the one-account form would, against the database as it is now."""
    plan = CadrePlan()
    labels = column_labels()
    units = _Units(top)
    grantable: dict[int, frozenset[str]] = {}
    seen: dict[str, CadreRow] = {}
    phones = {clean_phone_or_blank(cells.get("phone", "")) for _n, cells in rows} - {""}
    known = {u.phone: u for u in User.objects.filter(phone__in=phones)}
    for number, cells in rows:
        row = CadreRow(number, cells)
        plan.rows.append(row)
        row.full_name = cells.get("full_name", "")
        if not row.full_name:
            row.problem(labels["full_name"], _("Please write the cadre's full name."))
        elif len(row.full_name) > 150:
            row.problem(labels["full_name"], _("Please shorten it: at most 150 characters."))
        try:
            row.phone = clean_phone(cells.get("phone", ""))
        except ValidationError as e:
            row.problem(labels["phone"], e.message_dict["phone"][0])
        if not row.phone and not any(c == labels["phone"] for c, _m in row.problems):
            row.problem(labels["phone"], _("Please write a phone number: it is her login."))
        _check_unit(row, cells, units, labels)
        _check_role(row, cells, actor, grantable, labels)
        ft = _key(cells.get("full_time", ""))
        if ft in YES:
            row.full_time = True
        elif ft not in NO:
            row.problem(labels["full_time"], _("Please write “x” (or “có”) for a full-time "
                                               "cadre, or leave it empty."))  # fmt: skip
        _check_person(row, seen, known, labels)
    return plan


def clean_phone_or_blank(raw: str) -> str:
    try:
        return clean_phone(raw)
    except ValidationError:
        return ""


def _check_unit(
    row: CadreRow, cells: dict[str, str], units: _Units, labels: dict[str, str]
) -> None:
    text = cells.get("unit", "")
    if not text:
        row.problem(labels["unit"], _("Please write the unit (its name or code)."))
        return
    unit, message = units.find(text)
    if unit is None:
        row.problem(labels["unit"], message)
        return
    row.unit_id, row.unit_name = unit.pk, unit.name


def _check_role(
    row: CadreRow,
    cells: dict[str, str],
    actor: User,
    grantable: dict[int, frozenset[str]],
    labels: dict[str, str],
) -> None:
    text = cells.get("role", "")
    row.role = _role(text)
    if not row.role:
        names = ", ".join(str(label) for _r, label in Role.choices)
        row.problem(
            labels["role"], _("Please write one of the roles: %(roles)s.") % {"roles": names}
        )
        return
    if row.unit_id is None:
        return
    if row.unit_id not in grantable:
        grantable[row.unit_id] = perms_at(actor, Unit.objects.get(pk=row.unit_id))
    held = grantable[row.unit_id]
    if MANAGE_ACCOUNTS not in held or not PERMISSIONS[row.role] <= held:
        row.problem(labels["role"], _("You may not give the role “%(role)s” at %(unit)s: you "
                                      "can only give a role whose rights you hold there.") % {
            "role": Role(row.role).label, "unit": row.unit_name})  # fmt: skip


def _check_person(
    row: CadreRow, seen: dict[str, CadreRow], known: dict[str, User], labels: dict[str, str]
) -> None:
    """The same phone is one person: a second row of hers adds a role; another name is an error."""
    if not row.phone:
        return
    user = known.get(row.phone)
    if user is not None:
        if fold(user.full_name) != fold(row.full_name):
            row.problem(labels["phone"], _("Another account already uses this phone number: "
                                           "please check it."))  # fmt: skip
            return
        row.existing_user_id = user.pk
        if (
            row.unit_id
            and Assignment.objects.filter(user=user, unit_id=row.unit_id, role=row.role).exists()
        ):
            row.problem(labels["role"], _("She already holds this role at this unit."))
            return
    first = seen.get(row.phone)
    if first is not None and fold(first.full_name) != fold(row.full_name):
        row.problem(labels["phone"], _("Row %(n)d has the same phone number for another name: "
                                       "please check it.") % {"n": first.number})  # fmt: skip
        return
    if first is not None and (first.unit_id, first.role) == (row.unit_id, row.role):
        row.problem(labels["role"], _("The same role at the same unit as row %(n)d.")
                    % {"n": first.number})  # fmt: skip
        return
    seen.setdefault(row.phone, row)


def preview_rows(plan: CadrePlan) -> list[dict[str, Any]]:
    return [asdict(r) | {"ok": r.ok} for r in plan.rows]


def one_time_password() -> str:
    # Letters and digits that cannot be confused when read aloud or copied from a slip.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _username(full_name: str) -> str:
    """ "Nguyễn Thị Lan" → "lan.nt", made free with a number ("lan.nt2")."""
    words = re.sub(r"[^a-z ]", "", fold(full_name)).split() or ["canbo"]
    wanted = words[-1] + ("." + "".join(w[0] for w in words[:-1]) if len(words) > 1 else "")
    name, n = wanted[:140], 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{wanted[:140]}{n}"
    return name


def accounts_bulk_create(
    *, actor: User, imp: AccountImport, send: bool = False, login_url: str = ""
) -> dict[str, int]:
    """Check the stored rows again and create what they say, in one transaction: each new person
    an account with a one-time password she must change, and each row an assignment. Rows with
    errors are left out. With `send`, each password goes to her phone through the courier (its
    messages queued in the same transaction); the slips of the others (all, without `send`) go
    to the cache for `SLIP_SECONDS`."""
    if MANAGE_ACCOUNTS not in perms_at(actor, imp.unit):
        raise PermissionDenied
    if send and not _couriers:
        raise ValueError("no password courier is plugged in")
    rows = [(n, cells) for n, cells in imp.rows]
    plan = plan_cadres(rows, actor=actor, top=imp.unit)
    slips: list[dict[str, str]] = []
    passwords: list[tuple[User, str]] = []
    made: dict[str, User] = {}
    with transaction.atomic():
        for row in plan.rows:
            if not row.ok:
                continue
            user = made.get(row.phone)
            if user is None and row.existing_user_id:
                user = User.objects.get(pk=row.existing_user_id)
            if user is None:
                password = one_time_password()
                user = User(username=_username(row.full_name), full_name=row.full_name,
                            phone=row.phone, must_change_password=True)  # fmt: skip
                user.set_password(password)
                user.full_clean(exclude=["password"])
                user.save()
                made[row.phone] = user
                audit.log(actor, "account.created", user, unit=imp.unit,
                          data={"username": user.username, "import": str(imp.pk)})  # fmt: skip
                passwords.append((user, password))
                slips.append({"name": user.full_name, "username": user.username,
                              "phone": user.phone, "password": password,
                              "unit": row.unit_name, "role": str(Role(row.role).label)})  # fmt: skip
            assert row.unit_id is not None  # a row without its unit is an error
            assignment = Assignment.objects.create(
                user=user, unit_id=row.unit_id, role=row.role, full_time=row.full_time,
                created_by=actor,
            )  # fmt: skip
            audit.log(actor, "assignment.created", assignment, data={"role": row.role})
        sent: set[int] = set()
        if send and passwords:
            sent = _couriers[0](actor=actor, unit=imp.unit, passwords=passwords,
                                login_url=login_url, key=f"account_password:{imp.pk}")  # fmt: skip
        # A sent password is nowhere else: no slip of hers is kept.
        slips = [s for s, (user, _p) in zip(slips, passwords, strict=True) if user.pk not in sent]
        summary = {**plan.summary(), "sent": len(sent), "slips": len(slips)}
        audit.log(actor, "account.bulk_created", imp, unit=imp.unit,
                  data={"file": imp.filename, **summary})  # fmt: skip
        AccountImport.objects.filter(pk=imp.pk).update(
            status=AccountImport.Status.DONE, summary=summary
        )
        imp.status, imp.summary = AccountImport.Status.DONE, summary
    if slips:
        cache.set(slips_key(imp), slips, SLIP_SECONDS)
    return summary


def slips_key(imp: AccountImport) -> str:
    return f"account-slips:{imp.pk}"


def slips_pdf(imp: AccountImport, login_url: str) -> bytes | None:
    """The login slips of an import's new accounts, one a page; None once they have expired."""
    slips = cache.get(slips_key(imp))
    if slips is None:
        return None
    html = render_to_string("accounts/slips.html", {"slips": slips, "login_url": login_url})
    # Imported here so that the site starts where Pango is missing; only the slips fail.
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return pdf
