"""Every write to a member: admit, update, transfer, move, remove, restore; each dated, audited."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import User
from hoiso.core import audit
from hoiso.core.text import clean, db_sort_key, fold, normalise_phone, words
from hoiso.members.choices import (
    NOT_RECORDED,
    EventKind,
    Religion,
    RemovalReason,
    Status,
    TransferStatus,
)
from hoiso.members.counting import members_changed
from hoiso.members.duplicates import find_duplicates
from hoiso.members.erasure import erase_copies
from hoiso.members.history import place, reopen_day, replace, unplace
from hoiso.members.models import DeletionRequest, Member, MemberEvent, NameToken, Transfer
from hoiso.units.models import Level, Unit

# The fields a cadre fills in; placement (branch, group) and status go through their own services.
RECORD_FIELDS = [
    "kind", "full_name", "birth_date", "birth_year", "sex", "citizen_id", "phone", "address",
    "village", "ethnicity", "religion", "education", "occupation", "party_member", "join_date",
    "card_number", "has_smartphone", "uses_zalo", "uses_facebook", "digital_skill", "household",
    "consent_purposes", "consent_date", "consent_method",
]  # fmt: skip
SENSITIVE_FIELDS = frozenset({"ethnicity", "religion", "citizen_id"})


class DuplicateWarning(Exception):
    """The person may already be a member; the cadre must look and decide."""

    def __init__(self, matches: list[Member]) -> None:
        super().__init__(f"{len(matches)} possible duplicate(s)")
        self.matches = matches


def _normalise(member: Member) -> None:
    """Clean what people type: spaces, Unicode forms, phone formats, derived keys."""
    member.full_name = clean(member.full_name)
    member.name_folded = fold(member.full_name)
    member.sort_key = db_sort_key(member.full_name)
    member.address = clean(member.address)
    member.village = clean(member.village)
    member.occupation = clean(member.occupation)
    member.card_number = clean(member.card_number).upper()
    member.citizen_id = "".join(clean(member.citizen_id).split())
    if member.phone:
        try:
            member.phone = normalise_phone(member.phone)
        except ValueError:
            raise ValidationError(
                {"phone": _("“%(value)s” is not a phone number: enter 10 digits starting with 0.")
                 % {"value": member.phone}}
            ) from None  # fmt: skip
    if member.birth_date:
        member.birth_year = member.birth_date.year


def _place(member: Member, branch: Unit, group: Unit | None) -> None:
    """Put the member in a branch (and group), copying the province, commune and path."""
    if branch.level != Level.BRANCH:
        raise ValidationError({"branch": _("Choose a branch.")})
    if branch.is_closed:
        raise ValidationError({"branch": _("This branch is closed; choose another.")})
    if group is not None and group.parent_id != branch.pk:
        raise ValidationError({"group": _("This women's group is not in the chosen branch.")})
    ancestors = {u.level: u for u in Unit.objects.filter(path__in=branch.ancestor_paths)}
    member.branch, member.group, member.branch_path = branch, group, branch.path
    member.commune = ancestors[Level.COMMUNE]
    member.province = ancestors[Level.PROVINCE]


def name_words(full_name: str) -> str:
    """The folded words of a name as NameToken.words stores them."""
    return " " + " ".join(words(full_name))


def _reindex(member: Member) -> None:
    NameToken.objects.filter(member=member).delete()
    all_words = name_words(member.full_name)
    NameToken.objects.bulk_create(
        NameToken(
            member=member, token=w[:40], words=all_words[:200], active=member.is_active,
            commune_id=member.commune_id, province_id=member.province_id,
        )
        for w in words(member.full_name)
    )  # fmt: skip


def _event(member: Member, kind: str, actor: Any, on: dt.date | None = None, **data: Any) -> None:
    MemberEvent.objects.create(
        member=member,
        kind=kind,
        on=on or timezone.localdate(),
        branch_id=member.branch_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data=data,
    )


def _validate(member: Member) -> None:
    """Field rules, then the two numbers that must be unique, with errors on their fields."""
    member.full_clean(exclude=["branch_path"], validate_constraints=False)
    others = Member.objects.exclude(pk=member.pk) if member.pk else Member.objects.all()
    errors = {}
    if (
        member.card_number
        and others.filter(province_id=member.province_id, card_number=member.card_number).exists()
    ):
        errors["card_number"] = _("Card number %(n)s is already used in the province.") % {
            "n": member.card_number
        }
    # Unique among active members everywhere; where the holder is may be outside the cadre's
    # scope, so the message does not say.
    if (
        member.citizen_id
        and member.is_active
        and others.active().filter(citizen_id=member.citizen_id).exists()
    ):
        errors["citizen_id"] = _(
            "This citizen ID number already belongs to an active member. If she has moved "
            "here, ask her old unit to transfer her; otherwise check the number."
        )
    if errors:
        raise ValidationError(errors)


def member_admit(
    *,
    actor: Any,
    branch: Unit,
    data: dict[str, Any],
    group: Unit | None = None,
    allow_duplicates: bool = False,
) -> Member:
    """Admit a member to a branch; warns with DuplicateWarning unless the cadre has decided."""
    member = Member(**{k: v for k, v in data.items() if k in RECORD_FIELDS})
    _normalise(member)
    _place(member, branch, group)
    member.status = Status.ACTIVE
    member.status_since = member.join_date or timezone.localdate()
    _validate(member)
    if not allow_duplicates and (matches := find_duplicates(member)):
        raise DuplicateWarning(matches)
    with transaction.atomic():
        member.save()
        place(member, member.status_since)
        _reindex(member)
        _event(member, EventKind.ADMITTED, actor, member.join_date)
        audit.log(actor, "member.admitted", member, data={"branch": branch.code})
        members_changed(member.province_id)
    return member


def member_update(*, actor: Any, member: Member, data: dict[str, Any]) -> Member:
    """Change a member's record; the history keeps which fields changed (not sensitive values)."""
    before = {f: getattr(member, f) for f in RECORD_FIELDS}
    for field, value in data.items():
        if field in RECORD_FIELDS:
            setattr(member, field, value)
    _normalise(member)
    _validate(member)
    changed = sorted(f for f in RECORD_FIELDS if getattr(member, f) != before[f])
    if not changed:
        return member
    with transaction.atomic():
        member.save()
        if "full_name" in changed:
            _reindex(member)
        _event(member, EventKind.UPDATED, actor, fields=changed)
        audit.log(actor, "member.updated", member, data={"fields": changed})
        members_changed(member.province_id)
    return member


def member_move(*, actor: Any, member: Member, branch: Unit, group: Unit | None = None) -> Member:
    """Move a member between branches that the same cadre serves (no acceptance needed)."""
    if not member.is_active:
        raise ValidationError(_("Only active members can be moved."))
    old = member.branch
    with transaction.atomic():
        _place(member, branch, group)
        member.save()
        replace(member, timezone.localdate())
        _reindex(member)
        _event(member, EventKind.MOVED, actor, from_branch=old.code, to_branch=branch.code)
        audit.log(actor, "member.moved", member, data={"from": old.code, "to": branch.code})
        members_changed(member.province_id)
        _cancel_pending(member, actor)
    return member


def transfer_request(*, actor: Any, member: Member, to_unit: Unit, note: str = "") -> Transfer:
    """The sending cadre asks another unit to take a member; she stays here until accepted."""
    if not member.is_active:
        raise ValidationError(_("Only active members can be transferred."))
    if to_unit.level not in (Level.COMMUNE, Level.BRANCH):
        raise ValidationError({"to_unit": _("Choose a commune or a branch to transfer to.")})
    if to_unit.is_closed:
        raise ValidationError({"to_unit": _("That unit is closed.")})
    if to_unit.pk in (member.branch_id, member.commune_id) or to_unit.contains(member.branch):
        raise ValidationError({"to_unit": _("She is already in that unit.")})
    if member.transfers.filter(status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A transfer of this member is already waiting for an answer."))
    with transaction.atomic():
        transfer = Transfer.objects.create(
            member=member, from_branch=member.branch, to_unit=to_unit, note=clean(note),
            requested_by=actor, from_path=member.branch_path, to_path=to_unit.path,
        )  # fmt: skip
        _event(member, EventKind.TRANSFER_REQUESTED, actor, to=to_unit.code, note=clean(note))
        audit.log(actor, "member.transfer_requested", member, data={"to": to_unit.code})
    return transfer


def _decide(transfer: Transfer, actor: Any, status: str, note: str = "") -> None:
    # Locked and re-read: two cadres answering at once must not both succeed, and a
    # restructuring that moved its units meanwhile (it locks waiting transfers first) is seen.
    current = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if current.status != TransferStatus.PENDING:
        raise ValidationError(_("This transfer has already been answered."))
    transfer.refresh_from_db()
    transfer.status = status
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decision_note = clean(note)
    transfer.save()


def transfer_accept(
    *, actor: Any, transfer: Transfer, to_branch: Unit, group: Unit | None = None
) -> Member:
    """The receiving unit takes the member into one of its branches."""
    if not transfer.to_unit.contains(to_branch) or to_branch.level != Level.BRANCH:
        raise ValidationError({"to_branch": _("Choose a branch of the receiving unit.")})
    member = transfer.member
    with transaction.atomic():
        _decide(transfer, actor, TransferStatus.ACCEPTED)
        # Read again under the lock: the units may have moved since the page was read.
        member.refresh_from_db()
        to_branch.refresh_from_db()
        if not Unit.objects.get(pk=transfer.to_unit_id).contains(to_branch):
            raise ValidationError({"to_branch": _("Choose a branch of the receiving unit.")})
        old = member.branch
        _place(member, to_branch, group)
        transfer.to_branch = to_branch
        transfer.save(update_fields=["to_branch"])
        member.save()
        replace(member, timezone.localdate())
        _reindex(member)
        _event(member, EventKind.TRANSFERRED, actor, from_branch=old.code, to_branch=to_branch.code)
        audit.log(
            actor, "member.transferred", member, data={"from": old.code, "to": to_branch.code}
        )
        # The sending side sees it in its own log too.
        audit.log(actor, "member.transferred", member, unit=old, data={"to": to_branch.code})
        members_changed(member.province_id)
    return member


def transfer_refuse(*, actor: Any, transfer: Transfer, reason: str) -> Transfer:
    if not clean(reason):
        raise ValidationError({"reason": _("Say why the transfer is refused.")})
    with transaction.atomic():
        _decide(transfer, actor, TransferStatus.REFUSED, reason)
        _event(transfer.member, EventKind.TRANSFER_REFUSED, actor, reason=clean(reason))
        audit.log(actor, "member.transfer_refused", transfer.member, data={"reason": reason})
    return transfer


def transfer_cancel(*, actor: Any, transfer: Transfer) -> Transfer:
    with transaction.atomic():
        _decide(transfer, actor, TransferStatus.CANCELLED)
        _event(transfer.member, EventKind.TRANSFER_CANCELLED, actor)
        audit.log(actor, "member.transfer_cancelled", transfer.member)
    return transfer


def _cancel_pending(member: Member, actor: Any) -> None:
    """A member who moves, leaves or is erased takes her waiting transfer with her."""
    for transfer in member.transfers.filter(status=TransferStatus.PENDING):
        _decide(transfer, actor, TransferStatus.CANCELLED)
        _event(member, EventKind.TRANSFER_CANCELLED, actor, to=transfer.to_unit.code)
        audit.log(actor, "member.transfer_cancelled", member)


def member_remove(
    *, actor: Any, member: Member, reason: str, on: dt.date | None = None, note: str = ""
) -> Member:
    """Take a member off the active list, with a reason; her record and history stay."""
    if not member.is_active:
        raise ValidationError(_("This member is not active."))
    if reason not in RemovalReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date is in the future.")})
    with transaction.atomic():
        member.status = Status.DECEASED if reason == RemovalReason.DECEASED else Status.REMOVED
        member.status_since = on
        member.removal_reason = reason
        member.save()
        unplace(member, on)
        NameToken.objects.filter(member=member).update(active=False)
        _cancel_pending(member, actor)
        _event(member, EventKind.REMOVED, actor, on, reason=reason, note=clean(note))
        audit.log(actor, "member.removed", member, data={"reason": reason})
        members_changed(member.province_id)
    return member


def member_restore(
    *,
    actor: Any,
    member: Member,
    on: dt.date | None = None,
    note: str = "",
    branch: Unit | None = None,
) -> Member:
    """Bring a removed member back (a mistaken removal, or she has come back), into her branch
    or, when given, another one (her old branch may have closed meanwhile)."""
    if member.is_active:
        raise ValidationError(_("This member is already active."))
    if member.erased:
        raise ValidationError(_("Her data was erased at her request; she must be admitted anew."))
    if member.status == Status.DECEASED and not clean(note):
        raise ValidationError({"note": _("Say why a member recorded as deceased is restored.")})
    if branch is None and member.branch.is_closed:
        raise ValidationError({"branch": _("Her branch has closed: choose the branch she joins.")})
    if (
        member.citizen_id
        and Member.objects.active()
        .filter(citizen_id=member.citizen_id)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise ValidationError(
            _("Another active member has the same citizen ID number; check before restoring.")
        )
    with transaction.atomic():
        if branch is not None and branch.pk != member.branch_id:
            _place(member, branch, None)
            _reindex(member)
        member.status = Status.ACTIVE
        member.status_since = on or timezone.localdate()
        member.removal_reason = ""
        member.save()
        place(member, reopen_day(member, member.status_since))
        NameToken.objects.filter(member=member).update(active=True)
        _event(member, EventKind.RESTORED, actor, on, note=clean(note))
        audit.log(actor, "member.restored", member)
        members_changed(member.province_id)
    return member


def sensitive_viewed(*, actor: Any, member: Member) -> None:
    """Record that someone saw a member's ethnicity, religion and ID number."""
    audit.log(actor, "member.sensitive_viewed", member)


# --- Members themselves -----------------------------------------------------------------------


def member_account_enable(*, actor: Any, member: Member) -> tuple[User, str | None]:
    """Let a member log in with her phone; returns her account and a one-time password, or no
    password when her phone already belongs to an account (a cadre who is also a member)."""
    if not member.phone:
        raise ValidationError(_("Enter her phone number first: members log in with it."))
    if member.user_id:
        raise ValidationError(_("She can already log in."))
    existing = User.objects.filter(phone=member.phone).first()
    if existing is not None and hasattr(existing, "member"):
        raise ValidationError(_("Another member already logs in with this phone number."))
    if existing is not None and existing.assignments.exists():
        # A staff account is never handed to a member record by someone else.
        raise ValidationError(
            _("This phone number belongs to a cadre's account; ask your unit's admin.")
        )
    password = None
    with transaction.atomic():
        if existing is None:
            password = _one_time_password()
            existing = User(
                username=_free_username(f"hv{member.pk}"), full_name=member.full_name,
                phone=member.phone, must_change_password=True,
            )  # fmt: skip
            existing.set_password(password)
            existing.save()
        member.user = existing
        member.save(update_fields=["user", "updated_at"])
        audit.log(actor, "member.account_enabled", member)
        members_changed(member.province_id)
    return existing, password


def _free_username(wanted: str) -> str:
    name, n = wanted, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{wanted}-{n}"
    return name


def _one_time_password() -> str:
    # Letters and digits that cannot be confused when read aloud or copied from a screen.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def member_self_update(*, member: Member, phone: str, address: str, village: str) -> Member:
    """A member corrects her own contact details; her login phone follows."""
    before = (member.phone, member.address, member.village)
    member.phone, member.address, member.village = phone, address, village
    _normalise(member)
    _validate(member)
    if member.user and User.objects.filter(phone=member.phone).exclude(pk=member.user.pk).exists():
        raise ValidationError({"phone": _("Another account already uses this phone number.")})
    if (member.phone, member.address, member.village) == before:
        return member
    with transaction.atomic():
        member.save()
        if member.user and member.user.phone != member.phone:
            member.user.phone = member.phone
            member.user.save(update_fields=["phone"])
        _event(member, EventKind.SELF_UPDATED, member.user)
        audit.log(member.user, "member.self_updated", member)
        members_changed(member.province_id)
    return member


def deletion_request_create(*, member: Member, note: str = "") -> DeletionRequest:
    """A member asks for her data to be deleted; the request waits for her unit's cadre."""
    if member.deletion_requests.filter(handled_at__isnull=True).exists():
        raise ValidationError(_("Your request has been received and is waiting for an answer."))
    with transaction.atomic():
        request = DeletionRequest.objects.create(member=member, note=clean(note))
        _event(member, EventKind.DELETION_REQUESTED, member.user)
        audit.log(member.user, "member.deletion_requested", member)
    return request


def member_erase(*, actor: Any, member: Member) -> Member:
    """Erase a member's personal data, keeping an anonymous record so counts stay right."""
    with transaction.atomic():
        _cancel_pending(member, actor)
        # Her copies elsewhere first, while they can still be found by her name and numbers.
        erase_copies(member)
        member.transfers.update(note="", decision_note="")
        member.full_name = _("(erased)")
        for field in ("citizen_id", "phone", "address", "village", "occupation", "card_number"):
            setattr(member, field, "")
        member.birth_date = None
        # Sensitive data goes too; birth year and sex stay for anonymous counts.
        member.ethnicity, member.religion = NOT_RECORDED, Religion.NOT_RECORDED
        member.consent_purposes, member.consent_date, member.consent_method = [], None, ""
        _normalise(member)
        if member.is_active:
            member.status, member.removal_reason = Status.REMOVED, RemovalReason.LEFT
            member.status_since = timezone.localdate()
            unplace(member, member.status_since)
        member.erased = True
        user = member.user
        member.user = None
        member.save()
        member.events.all().update(data={})
        _event(member, EventKind.ERASED, actor)
        # A cadre's own account stays hers; only a member-only login goes with the data.
        if user is not None and not user.assignments.exists():
            user.is_active = False
            user.phone = user.full_name = ""
            user.username = f"erased-{user.pk}"
            user.set_unusable_password()
            user.save(update_fields=["is_active", "phone", "full_name", "username", "password"])
            audit.erase_mentions("accounts.user", [user.pk], member.full_name)
        NameToken.objects.filter(member=member).delete()
        # The audit log keeps who did what to her record, and when, but no longer her name.
        audit.erase_mentions("members.member", [member.pk], member.full_name)
        audit.log(actor, "member.erased", member)
        members_changed(member.province_id)
    return member


def deletion_request_answer(
    *, actor: Any, request: DeletionRequest, erase: bool, answer: str
) -> DeletionRequest:
    if request.handled_at is not None:
        raise ValidationError(_("This request has already been answered."))
    if not clean(answer):
        raise ValidationError({"answer": _("Write the answer the member will read.")})
    with transaction.atomic():
        if erase:
            member_erase(actor=actor, member=request.member)
        request.handled_by, request.handled_at = actor, timezone.now()
        request.answer = clean(answer)
        request.save()
        audit.log(actor, "member.deletion_answered", request.member, data={"erased": erase})
    return request
