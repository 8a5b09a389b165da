"""What organisers, entrants and judges do to a contest: every write that matters is audited, and
each refuses what the contest's stage or rules do not allow, whoever asks and from wherever."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hoiso.accounts.models import User
from hoiso.core import audit
from hoiso.core.images import save_photo, stored_photo
from hoiso.core.text import normalise_phone
from hoiso.members.models import Member
from hoiso.notifications.services import notify
from hoiso.units.models import Level, Unit

from .models import (
    Contest,
    Criterion,
    Eligibility,
    Entry,
    EntryImage,
    EntryLink,
    EntryStatus,
    Judge,
    Prize,
    Score,
)

PHOTO_SIDE = 1280
MAX_IMAGES = 6
MAX_LINKS = 3
# The stages in the order they open, each (opening, closing) field: the form shows them so.
STAGE_FIELDS = (
    ("entries_open", "entries_close"),
    ("judging_open", "judging_close"),
    ("voting_open", "voting_close"),
)
CONTEST_FIELDS = ("title", "slug", "rules", "eligibility", "eligible_level", "entries_open",
                  "entries_close", "judging_open", "judging_close", "voting_open", "voting_close",
                  "results_at", "vote_rule", "judge_share", "tie_rule", "livestream_url")  # fmt: skip


def photo_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "contests"


def photo_path(name: str) -> Path | None:
    return stored_photo(photo_dir(), name)


# --- The contest ---------------------------------------------------------------------------------


def stage_errors(c: Contest) -> dict[str, str]:
    """What is wrong with the contest's dates, by field: each stage closes after it opens, judging
    opens once entries are closed, the public vote opens once entries are closed (it may run
    alongside judging), and the results come after both judging and the vote."""
    errors: dict[str, str] = {}
    for opening, closing in STAGE_FIELDS:
        if (
            getattr(c, opening)
            and getattr(c, closing)
            and getattr(c, closing) <= getattr(c, opening)
        ):
            errors[closing] = _("Please set this after the stage opens.")
    if c.entries_close and c.judging_open and c.judging_open < c.entries_close:
        errors.setdefault(
            "judging_open", _("Please open judging no earlier than the entries close.")
        )
    if c.entries_close and c.voting_open and c.voting_open < c.entries_close:
        errors.setdefault(
            "voting_open", _("Please open the public vote no earlier than the entries close.")
        )
    last = [d for d in (c.judging_close, c.voting_close) if d]
    if c.results_at and last and c.results_at < max(last):
        errors["results_at"] = _(
            "Please publish the results no earlier than judging and the public vote close."
        )
    if c.eligibility == Eligibility.UNITS_OF_LEVEL and c.eligible_level is None:
        errors["eligible_level"] = _("Please choose the level of the units that may enter.")
    if (
        c.eligibility == Eligibility.UNITS_OF_LEVEL
        and c.eligible_level is not None
        and c.unit_id
        and c.eligible_level <= c.unit.level
    ):
        errors["eligible_level"] = _(
            "Please choose a level below the organiser: only its own units may enter."
        )
    if not 0 <= c.judge_share <= 100:
        errors["judge_share"] = _("Please enter a share between 0 and 100.")
    return errors


def _free_slug(title: str, exclude: int | None = None) -> str:
    base = slugify(title)[:70] or "cuoc-thi"
    slug, n = base, 1
    taken = Contest.objects.exclude(pk=exclude) if exclude else Contest.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def contest_save(
    actor: User | None, unit: Unit, data: dict[str, Any], contest: Contest | None = None
) -> Contest:
    """Create a contest organised by `unit`, or change one; the dates must run in order."""
    creating = contest is None
    c = contest or Contest(unit=unit, created_by=actor)
    for name in CONTEST_FIELDS:
        if name in data:
            setattr(c, name, data[name])
    if c.eligibility != Eligibility.UNITS_OF_LEVEL:
        c.eligible_level = None
    c.slug = slugify(c.slug or "")[:80] or _free_slug(c.title, c.pk)
    errors = stage_errors(c)
    if Contest.objects.filter(slug=c.slug).exclude(pk=c.pk).exists():
        errors["slug"] = _("Please choose another web address: this one is taken.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        c.save()
        audit.log(actor, "contest.created" if creating else "contest.changed", c, unit=c.unit)
    return c


def prize_add(actor: User | None, contest: Contest, rank: int, name: str, quantity: int) -> Prize:
    if contest.prizes.filter(rank=rank).exists():
        raise ValidationError({"rank": _("Please choose another rank: this one has a prize.")})
    with transaction.atomic():
        prize = Prize.objects.create(contest=contest, rank=rank, name=name, quantity=quantity)
        audit.log(actor, "contest.prizes", contest, unit=contest.unit,
                  data={"added": name, "rank": rank, "quantity": quantity})  # fmt: skip
    return prize


def prize_remove(actor: User | None, prize: Prize) -> None:
    with transaction.atomic():
        audit.log(actor, "contest.prizes", prize.contest, unit=prize.contest.unit,
                  data={"removed": prize.name, "rank": prize.rank})  # fmt: skip
        prize.delete()


def _account_by(text: str) -> User:
    """The one account with this user name or phone number (never a guess)."""
    text = text.strip()
    q = Q(username__iexact=text)
    with contextlib.suppress(ValueError):
        q |= Q(phone=normalise_phone(text))
    found = list(User.objects.filter(q, is_active=True)[:2])
    if len(found) != 1:
        raise ValidationError(
            {"account": _("Please enter the user name or phone number of one Hội Số account.")}
        )
    return found[0]


def judge_add(actor: User | None, contest: Contest, who: str) -> Judge:
    user = _account_by(who)
    try:
        with transaction.atomic():
            judge = Judge.objects.create(contest=contest, user=user)
            audit.log(actor, "contest.judges", contest, unit=contest.unit,
                      data={"added": user.get_username()})  # fmt: skip
    except IntegrityError as e:
        raise ValidationError(
            {"account": _("This account is on the panel already; please name another.")}
        ) from e
    return judge


def judge_remove(actor: User | None, judge: Judge) -> None:
    if judge.scores.exists():
        raise ValidationError(
            _("This judge has scored entries; please keep her on the panel so the results hold.")
        )
    with transaction.atomic():
        audit.log(actor, "contest.judges", judge.contest, unit=judge.contest.unit,
                  data={"removed": judge.user.get_username()})  # fmt: skip
        judge.delete()


def criterion_add(
    actor: User | None, contest: Contest, name: str, weight: int, max_points: int
) -> Criterion:
    if Score.objects.filter(criterion__contest=contest).exists():
        raise ValidationError(_("Judges have begun scoring; please keep the criteria as they are."))
    with transaction.atomic():
        criterion = Criterion.objects.create(
            contest=contest, name=name, weight=weight, max_points=max_points
        )
        audit.log(actor, "contest.criteria", contest, unit=contest.unit,
                  data={"added": name, "weight": weight, "max_points": max_points})  # fmt: skip
    return criterion


def criterion_remove(actor: User | None, criterion: Criterion) -> None:
    if criterion.scores.exists():
        raise ValidationError(
            _("Judges have scored by this criterion; please keep it so the results hold.")
        )
    with transaction.atomic():
        audit.log(actor, "contest.criteria", criterion.contest, unit=criterion.contest.unit,
                  data={"removed": criterion.name})  # fmt: skip
        criterion.delete()


# --- Entries -------------------------------------------------------------------------------------


def contests_open_to(unit: Unit) -> Any:
    """Contests organised at this unit or above it (those its people may enter)."""
    return Contest.objects.filter(unit__path__in=unit.ancestor_paths).select_related("unit")


def may_enter_as_unit(contest: Contest, unit: Unit) -> bool:
    if not unit.path.startswith(contest.unit.path):
        return False
    if contest.eligibility == Eligibility.UNITS_OF_LEVEL:
        return unit.level == contest.eligible_level
    return contest.eligibility == Eligibility.ANYONE


def may_enter_as_member(contest: Contest, member: Member) -> bool:
    return contest.eligibility in (Eligibility.MEMBERS, Eligibility.ANYONE) and (
        member.branch_path.startswith(contest.unit.path)
    )


def entry_submit(
    actor: User | None,
    contest: Contest,
    *,
    title: str,
    text: str = "",
    unit: Unit | None = None,
    member: Member | None = None,
    entrant_name: str = "",
    images: list[bytes] | tuple[bytes, ...] = (),
    links: list[str] | tuple[str, ...] = (),
    when: dt.datetime | None = None,
) -> Entry:
    """An entry, waiting for the organiser's review: only while entries are open, only from who
    the contest's rules let enter (a unit of the level, a member in the organiser's subtree, or
    anyone named)."""
    if not contest.taking_entries(when):
        raise ValidationError(_("This contest takes no entries now; please see its dates."))
    if member is not None:
        if not may_enter_as_member(contest, member):
            raise ValidationError(
                _("Please check the rules: this member may not enter this contest.")
            )
        unit = unit or member.branch
    elif unit is not None and not entrant_name:
        if not may_enter_as_unit(contest, unit):
            raise ValidationError(
                _("Please check the rules: %(unit)s may not enter this contest.")
                % {"unit": unit.name}
            )
    elif contest.eligibility != Eligibility.ANYONE:
        raise ValidationError(_("Please say who enters: a member of the union, or a unit."))
    elif not entrant_name.strip():
        raise ValidationError({"entrant_name": _("Please write the name of who enters.")})
    if len(images) > MAX_IMAGES:
        raise ValidationError(
            {"images": _("Please send at most %(n)s photos.") % {"n": MAX_IMAGES}}
        )
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": _("Please give at most %(n)s links.") % {"n": MAX_LINKS}})
    names = [save_photo(data, photo_dir(), PHOTO_SIDE) for data in images]
    with transaction.atomic():
        entry = Entry.objects.create(
            contest=contest,
            title=title.strip(),
            text=text.strip(),
            unit=unit,
            member=member,
            entrant_name=entrant_name.strip(),
            submitted_by=actor,
        )
        EntryImage.objects.bulk_create(
            EntryImage(entry=entry, photo=name, position=i) for i, name in enumerate(names)
        )
        EntryLink.objects.bulk_create(EntryLink(entry=entry, url=url) for url in links if url)
        audit.log(actor, "contest.entry_submitted", entry, unit=contest.unit,
                  data={"contest": contest.pk})  # fmt: skip
    return entry


def entry_moderate(actor: User | None, entry: Entry, *, approve: bool, reason: str = "") -> Entry:
    """Approve an entry (it appears on the public page) or reject it with a reason the submitter
    reads; either way she is told."""
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Please write why the entry is rejected.")})
    if entry.status == EntryStatus.APPROVED and not approve and entry.votes:
        raise ValidationError(
            _("This entry has public votes; please void them before rejecting it.")
        )
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        entry.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
        entry.reject_reason = "" if approve else reason
        entry.moderated_by = actor
        entry.moderated_at = timezone.now()
        entry.save(update_fields=["status", "reject_reason", "moderated_by", "moderated_at"])
        audit.log(actor, "contest.entry_approved" if approve else "contest.entry_rejected",
                  entry, unit=entry.contest.unit, data={"reason": reason} if reason else None)  # fmt: skip
        submitter = entry.submitted_by
        if submitter is not None:
            contest = entry.contest
            context = {"contest": contest.title, "entry": entry.title, "approved": approve,
                       "reason": reason, "slug": contest.slug}  # fmt: skip
            key = f"contest-entry:{entry.pk}:{entry.status}:{entry.moderated_at.timestamp():.6f}"
            transaction.on_commit(
                lambda: notify(
                    [submitter], "contest_entry", context, sender=actor, key=key, unit=contest.unit
                )
            )
    return entry


# --- Judging -------------------------------------------------------------------------------------


def judge_of(user: User, contest: Contest) -> Judge | None:
    return Judge.objects.filter(contest=contest, user=user).first()


def scores_save(
    judge: Judge, entry: Entry, points: Mapping[int, int | None], when: dt.datetime | None = None
) -> int:
    """The judge's scores of one entry, by criterion id (None leaves a criterion unscored): only
    during judging, only approved entries, each within its criterion's range. Returns how many
    were saved."""
    contest = judge.contest
    if not contest.judging(when):
        raise ValidationError(_("Judging is not open now; please see the contest's dates."))
    if entry.contest_id != contest.pk or entry.status != EntryStatus.APPROVED:
        raise ValidationError(_("Please score only the contest's approved entries."))
    criteria = {c.pk: c for c in contest.criteria.all()}
    errors = {}
    for cid, value in points.items():
        criterion = criteria.get(cid)
        if criterion is None:
            raise ValidationError(_("Please score by the contest's own criteria."))
        if value is not None and not 0 <= value <= criterion.max_points:
            errors[f"c{cid}"] = _("Please give between 0 and %(n)s points.") % {
                "n": criterion.max_points
            }
    if errors:
        raise ValidationError(errors)
    saved = 0
    with transaction.atomic():
        for cid, value in points.items():
            if value is None:
                Score.objects.filter(judge=judge, entry=entry, criterion_id=cid).delete()
                continue
            Score.objects.update_or_create(
                judge=judge, entry=entry, criterion_id=cid, defaults={"points": value}
            )
            saved += 1
        audit.log(judge.user, "contest.scored", entry, unit=contest.unit,
                  data={str(k): v for k, v in points.items()})  # fmt: skip
    return saved


def level_choices_below(unit: Unit) -> list[tuple[int, Any]]:
    return [(lv.value, lv.label) for lv in Level if lv.value > unit.level]
