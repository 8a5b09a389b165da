"""Writes for the yearly rating: schemes and criteria, the unit's self-assessment, the upper
level's decision, reopening. Every write is audited; people are told through `notify()`."""

from __future__ import annotations

import datetime as dt
from collections import abc
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import Role
from hoiso.core import audit, formats
from hoiso.core.text import clean
from hoiso.documents import files
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.notifications.services import notify
from hoiso.ratings import points
from hoiso.ratings.models import (
    Assessment,
    Criterion,
    EvidenceFile,
    Kind,
    Mapping,
    Rating,
    Scheme,
    Score,
    State,
)
from hoiso.units.models import REFORM_DAY, Level, Unit

SCHEME_FIELDS = [
    "year",
    "level",
    "title",
    "excellent_from",
    "good_from",
    "fair_from",
    "excellent_floor",
    "good_floor",
    "fair_floor",
    "self_due",
]
CRITERION_FIELDS = [
    "title",
    "guidance",
    "max_points",
    "kind",
    "metric",
    "mapping",
    "steps",
    "target",
    "position",
]
MAX_FILES_PER_SCORE = 10
ANSWERING_ROLES = (Role.UNIT_ADMIN, Role.CADRE)


# --- Schemes ---------------------------------------------------------------------------------


def rated_levels(unit: Unit, year: int | None = None) -> list[tuple[int, str]]:
    """The levels a unit can rate: those below it, down to branches; districts only before the
    2025 reform abolished them."""
    return [
        (v, str(label))
        for v, label in Level.choices
        if unit.level < v <= Level.BRANCH
        and not (v == Level.DISTRICT and year is not None and year > REFORM_DAY.year)
    ]


def _check_scheme(scheme: Scheme) -> None:
    errors: dict[str, str] = {}
    scheme.title = clean(scheme.title)
    if not scheme.title:
        errors["title"] = _("Please name the rating, e.g. “Rating of commune unions 2025”.")
    if not 2000 <= scheme.year <= 2100:
        errors["year"] = _("Please give the year as four digits, e.g. 2025.")
    if scheme.level not in dict(rated_levels(scheme.unit, scheme.year)):
        errors["level"] = _("Please choose a level below your unit (communes, usually).")
    marks = [scheme.excellent_from, scheme.good_from, scheme.fair_from]
    if all(m is not None for m in marks) and not (marks[0] >= marks[1] >= marks[2] >= 0):
        errors["good_from"] = _(
            "Please give the points so that “excellently” ≥ “well” ≥ “fulfilled” ≥ 0."
        )
    if errors:
        raise ValidationError(errors)


def _ensure_open(scheme: Scheme) -> None:
    """Criteria and points stay as they are once a unit has sent its assessment on them."""
    if scheme.assessments.exclude(state=State.DRAFT).exists():
        raise ValidationError(
            _(
                "Units have already sent their assessments on this rating. Please reopen them "
                "first, or set the changes for next year."
            )
        )


def scheme_create(*, actor: Any, unit: Unit, data: dict[str, Any]) -> Scheme:
    province = unit.province()
    if province is None:
        raise ValidationError(_("Please set the rating from a unit inside a province."))
    scheme = Scheme(unit=unit, province=province, unit_path=unit.path, created_by=actor)
    for name in SCHEME_FIELDS:
        if name in data:
            setattr(scheme, name, data[name])
    _check_scheme(scheme)
    if Scheme.objects.filter(unit=unit, year=scheme.year, level=scheme.level).exists():
        raise ValidationError(
            {"year": _("This unit already has a rating for that year and level; please open it.")}
        )
    with transaction.atomic():
        scheme.save()
        audit.log(actor, "rating.scheme_created", scheme, unit=unit, data={"year": scheme.year})
    return scheme


def scheme_update(*, actor: Any, scheme: Scheme, data: dict[str, Any]) -> Scheme:
    changed = [n for n in SCHEME_FIELDS if n in data and getattr(scheme, n) != data[n]]
    if {"year", "level"} & set(changed) and scheme.assessments.exists():
        raise ValidationError(
            _("Units have begun their assessments: please keep the year and the level.")
        )
    if set(changed) - {"title", "self_due"}:
        _ensure_open(scheme)
    for name in changed:
        setattr(scheme, name, data[name])
    _check_scheme(scheme)
    with transaction.atomic():
        scheme.save()
        audit.log(
            actor, "rating.scheme_updated", scheme, unit=scheme.unit, data={"fields": changed}
        )
    return scheme


def scheme_copy(*, actor: Any, source: Scheme, year: int) -> Scheme:
    """A new year's scheme with last year's criteria and points, to start from."""
    data = {n: getattr(source, n) for n in SCHEME_FIELDS if n not in ("year", "self_due")}
    data["year"] = year
    data["title"] = source.title.replace(str(source.year), str(year))
    with transaction.atomic():
        scheme = scheme_create(actor=actor, unit=source.unit, data=data)
        Criterion.objects.bulk_create(
            Criterion(scheme=scheme, **{n: getattr(c, n) for n in CRITERION_FIELDS})
            for c in source.criteria.all()
        )
        audit.log(
            actor,
            "rating.scheme_copied",
            scheme,
            unit=scheme.unit,
            data={"from": source.pk, "year": year},
        )
    return scheme


def _check_criterion(c: Criterion) -> None:
    errors: dict[str, str] = {}
    c.title = clean(c.title)
    if not c.title:
        errors["title"] = _("Please name the criterion.")
    if c.max_points is None or c.max_points <= 0:
        errors["max_points"] = _("Please give the criterion's points, more than 0.")
    if c.kind == Kind.COMPUTED:
        metric = REGISTRY.get(c.metric)
        if metric is None:
            errors["metric"] = _("Please choose the figure from the list.")
        elif c.mapping == Mapping.PROPORTIONAL:
            if c.target is None or c.target <= 0:
                errors["target"] = _("Please give the figure that earns full points, above 0.")
            elif metric.better != "higher":
                errors["mapping"] = _(
                    "For a figure where lower is better, please give points by steps."
                )
        elif c.mapping == Mapping.STEPS:
            if not c.steps:
                errors["steps"] = _("Please give at least one step, e.g. “80 = 10”.")
        else:
            errors["mapping"] = _("Please choose how the figure turns into points.")
    else:
        c.metric, c.mapping, c.steps, c.target = "", "", [], None
    if errors:
        raise ValidationError(errors)


def criterion_save(
    *, actor: Any, scheme: Scheme, data: dict[str, Any], criterion: Criterion | None = None
) -> Criterion:
    """Add a criterion to a scheme, or change one, while no unit has sent its assessment."""
    _ensure_open(scheme)
    c = criterion or Criterion(scheme=scheme)
    if criterion is None:
        last = scheme.criteria.aggregate(m=Max("position"))["m"]
        c.position = (last or 0) + 1
    for name in CRITERION_FIELDS:
        if name in data and name != "position":
            setattr(c, name, data[name])
    _check_criterion(c)
    with transaction.atomic():
        c.save()
        audit.log(
            actor,
            "rating.criterion_saved",
            c,
            unit=scheme.unit,
            data={"scheme": scheme.pk, "points": str(c.max_points)},
        )
    return c


def criterion_delete(*, actor: Any, criterion: Criterion) -> None:
    scheme = criterion.scheme
    _ensure_open(scheme)
    stored = list(
        EvidenceFile.objects.filter(score__criterion=criterion).values_list(
            "stored_name", flat=True
        )
    )
    with transaction.atomic():
        audit.log(
            actor,
            "rating.criterion_deleted",
            criterion,
            unit=scheme.unit,
            data={"title": criterion.title},
        )
        criterion.delete()
        transaction.on_commit(lambda: files.discard(stored))


# --- Figures ---------------------------------------------------------------------------------


def year_period(year: int) -> Period:
    return Period.containing("year", dt.date(year, 1, 1))


def figures_for(scheme: Scheme, unit: Unit) -> dict[int, float | None]:
    """The year's figure of each computed criterion for one unit, by criterion id (one metric
    computation per distinct metric, rooted at the unit itself)."""
    out: dict[int, float | None] = {}
    by_metric: dict[str, float | None] = {}
    for c in scheme.criteria.all():
        if c.kind != Kind.COMPUTED:
            continue
        if c.metric not in by_metric:
            metric = REGISTRY.get(c.metric)
            values = metric.compute(unit, scheme.level, year_period(scheme.year)) if metric else {}
            by_metric[c.metric] = values.get(unit.pk)
        out[c.pk] = by_metric[c.metric]
    return out


def metric_label(code: str) -> str:
    metric = REGISTRY.get(code)
    return str(metric.label) if metric else code


def is_percent(code: str) -> bool:
    metric = REGISTRY.get(code)
    return metric is not None and metric.unit == "percent"


def better_of(criterion: Criterion) -> str:
    metric = REGISTRY.get(criterion.metric)
    return metric.better if metric else "higher"


# --- The unit's self-assessment ------------------------------------------------------------


def assessment_for(scheme: Scheme, unit: Unit) -> Assessment:
    """The unit's assessment on this scheme, created as a draft the first time, with a score
    row for every criterion (criteria added since get theirs too)."""
    assessment, _created = Assessment.objects.get_or_create(
        scheme=scheme,
        unit=unit,
        defaults={"province": scheme.province, "unit_path": unit.path},
    )
    have = set(assessment.scores.values_list("criterion_id", flat=True))
    missing = [c for c in scheme.criteria.all() if c.pk not in have]
    if missing:
        Score.objects.bulk_create(
            [Score(assessment=assessment, criterion=c) for c in missing], ignore_conflicts=True
        )
    return assessment


def _refresh_computed(assessment: Assessment) -> None:
    """Computed scores take the year's figures as they stand now."""
    scheme = assessment.scheme
    figures = figures_for(scheme, assessment.unit)
    scores = list(assessment.scores.select_related("criterion"))
    for s in scores:
        if s.criterion.kind == Kind.COMPUTED:
            value = figures.get(s.criterion_id)
            s.figure = points.figure_of(value)
            s.self_points = points.computed_points(s.criterion, value, better_of(s.criterion))
    Score.objects.bulk_update(scores, ["figure", "self_points"])


def _outcome(assessment: Assessment, field: str) -> points.Outcome:
    scores = list(assessment.scores.select_related("criterion"))
    return points.rate(
        assessment.scheme,
        {s.criterion_id: getattr(s, field) for s in scores},
        {s.criterion_id: s.criterion.max_points for s in scores},
    )


def _check_manual(criterion: Criterion, value: Decimal | None, row: str) -> None:
    if value is not None and not (0 <= value <= criterion.max_points):
        raise ValidationError(
            _("%(row)s: please give points between 0 and %(max)s.")
            % {"row": row, "max": formats.decimal(criterion.max_points, 2)}
        )


def assessment_save(
    *,
    actor: Any,
    assessment: Assessment,
    entries: abc.Mapping[int, tuple[Decimal | None, str]],
    summary: str = "",
    uploads: dict[int, list[Any]] | None = None,
) -> Assessment:
    """Save the unit's own scores and evidence (by criterion id: points, text) and attach files.

    Refused once sent. Files are checked by their content before anything is written, so a bad
    file changes nothing."""
    if assessment.locked_for_unit:
        raise ValidationError(
            _(
                "The assessment has been sent and is locked. Please ask the upper level to reopen it."
            )
        )
    scores = {s.criterion_id: s for s in assessment.scores.select_related("criterion")}
    for cid, (value, _text) in entries.items():
        s = scores.get(cid)
        if s is not None and s.criterion.kind == Kind.MANUAL:
            _check_manual(s.criterion, value, s.criterion.title)
    checked: list[tuple[Score, files.CheckedFile]] = []
    for cid, uploaded in (uploads or {}).items():
        s = scores.get(cid)
        if s is None or s.criterion.kind != Kind.MANUAL:
            continue
        if s.files.count() + len(uploaded) > MAX_FILES_PER_SCORE:
            raise ValidationError(
                _("%(row)s: please attach at most %(n)s files.")
                % {"row": s.criterion.title, "n": MAX_FILES_PER_SCORE}
            )
        checked += [(s, files.check(u)) for u in uploaded]
    stored: list[str] = []
    try:
        with transaction.atomic():
            for cid, (value, text) in entries.items():
                s = scores.get(cid)
                if s is None or s.criterion.kind != Kind.MANUAL:
                    continue
                s.self_points, s.evidence = value, text.strip()[:5000]
                s.save(update_fields=["self_points", "evidence"])
            for s, f in checked:
                name = files.store(f)
                stored.append(name)
                EvidenceFile.objects.create(
                    score=s,
                    name=f.name,
                    file_type=f.file_type,
                    stored_name=name,
                    size=len(f.content),
                    uploaded_by=actor,
                )
            assessment.summary = summary.strip()[:5000]
            _refresh_computed(assessment)
            outcome = _outcome(assessment, "self_points")
            assessment.self_total, assessment.self_rating = outcome.total, outcome.rating
            assessment.save()
            audit.log(
                actor,
                "rating.saved",
                assessment,
                unit=assessment.unit,
                data={"total": str(outcome.total), "files": len(checked)},
            )
    except Exception:
        files.discard(stored)
        raise
    return assessment


def evidence_remove(*, actor: Any, evidence: EvidenceFile) -> None:
    assessment = evidence.score.assessment
    if assessment.locked_for_unit:
        raise ValidationError(
            _(
                "The assessment has been sent and is locked. Please ask the upper level to reopen it."
            )
        )
    stored = evidence.stored_name
    with transaction.atomic():
        audit.log(
            actor,
            "rating.evidence_removed",
            assessment,
            unit=assessment.unit,
            data={"file": evidence.name},
        )
        evidence.delete()
        transaction.on_commit(lambda: files.discard([stored]))


def assessment_submit(*, actor: Any, assessment: Assessment) -> Assessment:
    """Send the self-assessment up: every criterion scored, computed ones taken afresh; the unit
    can no longer change it."""
    if assessment.locked_for_unit:
        raise ValidationError(
            _("The assessment has already been sent. Please wait for the decision.")
        )
    with transaction.atomic():
        _refresh_computed(assessment)
        blank = [
            s.criterion.title
            for s in assessment.scores.select_related("criterion")
            if s.criterion.kind == Kind.MANUAL and s.self_points is None
        ]
        if blank:
            raise ValidationError(
                _("Please score every criterion before sending: %(list)s.")
                % {"list": "; ".join(blank)}
            )
        outcome = _outcome(assessment, "self_points")
        assessment.self_total, assessment.self_rating = outcome.total, outcome.rating
        assessment.state = State.SUBMITTED
        assessment.submitted_at, assessment.submitted_by = timezone.now(), actor
        assessment.reopen_reason = ""
        assessment.save()
        audit.log(
            actor,
            "rating.submitted",
            assessment,
            unit=assessment.unit,
            data={"total": str(outcome.total), "rating": outcome.rating},
        )
        _tell(assessment.scheme.unit, "rating_submitted", assessment)
    return assessment


# --- The upper level's decision ------------------------------------------------------------


def assessment_decide(
    *,
    actor: Any,
    assessment: Assessment,
    adjusted: abc.Mapping[int, tuple[Decimal, str]],
    on: dt.date,
    rating: str | None = None,
    note: str = "",
) -> Assessment:
    """Decide a sent assessment: each score as the unit gave it unless adjusted here (points,
    reason), the rating the points earn unless another is chosen with a note; dated, and
    locked until reopened."""
    if assessment.state != State.SUBMITTED:
        raise ValidationError(
            _("Only a sent assessment can be decided. Please wait until the unit sends it.")
        )
    today = timezone.localdate()
    if on > today or on.year < assessment.scheme.year:
        raise ValidationError(
            {
                "decided_on": _(
                    "Please give the date of the decision: not in the future, and not "
                    "before the year rated."
                )
            }
        )
    scores = list(assessment.scores.select_related("criterion"))
    changes: list[dict[str, str]] = []
    for s in scores:
        value, reason = adjusted.get(s.criterion_id, (s.self_points or Decimal(0), ""))
        if not (0 <= value <= s.criterion.max_points):
            raise ValidationError(
                _("%(row)s: please give points between 0 and %(max)s.")
                % {"row": s.criterion.title, "max": formats.decimal(s.criterion.max_points, 2)}
            )
        reason = clean(reason)
        if value != (s.self_points or Decimal(0)):
            if not reason:
                raise ValidationError(
                    _("%(row)s: please say why the points differ from the unit's own.")
                    % {"row": s.criterion.title}
                )
            changes.append(
                {
                    "criterion": s.criterion.title,
                    "from": str(s.self_points),
                    "to": str(value),
                    "reason": reason,
                }
            )
        s.decided_points, s.reason = value, reason if value != (s.self_points or 0) else ""
    outcome = points.rate(
        assessment.scheme,
        {s.criterion_id: s.decided_points for s in scores},
        {s.criterion_id: s.criterion.max_points for s in scores},
    )
    chosen = rating or outcome.rating
    if chosen not in Rating.values:
        raise ValidationError({"rating": _("Please choose a rating from the list.")})
    note = clean(note)
    if chosen != outcome.rating and not note:
        raise ValidationError(
            {"note": _("The rating differs from what the points earn: please give the reason.")}
        )
    with transaction.atomic():
        Score.objects.bulk_update(scores, ["decided_points", "reason"])
        assessment.decided_total, assessment.rating = outcome.total, chosen
        assessment.decided_on, assessment.decided_by = on, actor
        assessment.decision_note, assessment.state = note, State.DECIDED
        assessment.save()
        audit.log(
            actor,
            "rating.decided",
            assessment,
            unit=assessment.unit,
            data={
                "total": str(outcome.total),
                "rating": chosen,
                "on": on.isoformat(),
                "changes": changes,
            },
        )
        _tell(assessment.unit, "rating_decided", assessment)
    return assessment


def assessment_reopen(*, actor: Any, assessment: Assessment, reason: str) -> Assessment:
    """Give a sent or decided assessment back to the unit, with the reason; a decision is undone
    (the audit log keeps it)."""
    reason = clean(reason)
    if not reason:
        raise ValidationError(_("Please say why the assessment is reopened."))
    if assessment.state == State.DRAFT:
        raise ValidationError(_("The assessment is already open to the unit; nothing to reopen."))
    before = {
        "state": assessment.state,
        "rating": assessment.rating,
        "total": str(assessment.decided_total),
    }
    with transaction.atomic():
        assessment.scores.update(decided_points=None, reason="")
        assessment.state, assessment.reopen_reason = State.DRAFT, reason
        assessment.rating, assessment.decided_total = "", None
        assessment.decided_on, assessment.decided_by, assessment.decision_note = None, None, ""
        assessment.save()
        audit.log(
            actor,
            "rating.reopened",
            assessment,
            unit=assessment.unit,
            data={**before, "reason": reason},
        )
        _tell(assessment.unit, "rating_reopened", assessment, reason=reason)
    return assessment


def _tell(unit: Unit, kind: str, assessment: Assessment, **extra: str) -> int:
    """The unit's admins and cadres, through the notifications service."""
    users = {
        a.user_id: a.user
        for a in Assignment.objects.filter(
            unit=unit, role__in=ANSWERING_ROLES, user__is_active=True
        ).select_related("user")
    }
    if not users:
        return 0
    total = assessment.decided_total if assessment.rating else assessment.self_total
    with override(settings.LANGUAGE_CODE):
        context = {
            "unit": capfirst(assessment.unit.union_name),
            "year": assessment.scheme.year,
            "title": assessment.scheme.title,
            "rating": str(Rating(assessment.rating).label) if assessment.rating else "",
            "total": formats.decimal(total or 0, 2),
            **extra,
        }
    key = f"rating:{kind}:{assessment.pk}:{timezone.now().timestamp():.0f}"
    return notify(list(users.values()), kind, context, sender=None, key=key, unit=unit)
