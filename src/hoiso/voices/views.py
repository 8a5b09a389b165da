"""Members' concerns: a unit's inbox and one concern's page (cadres), a member's own concerns,
and the open form where a unit takes anonymous ones."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.roles import ANSWER_VOICES, MANAGE_VOICES, VIEW_VOICES
from hoiso.core.forms import add_service_error
from hoiso.members.me import member_required
from hoiso.members.models import Member
from hoiso.units.models import Level, Unit
from hoiso.voices import services
from hoiso.voices.forms import (
    AnonymousConcernForm,
    AnswerForm,
    ConcernForm,
    NoteForm,
    PhoneConcernForm,
    PhoneForm,
    RecordForm,
    SettingsForm,
)
from hoiso.voices.models import Concern, Reply, State, StepKind, Topic
from hoiso.voices.report import concerns_report, period_of
from hoiso.voices.selectors import (
    access_concern,
    access_own_concern,
    concerns_of,
    concerns_of_member,
    surveys_for,
    unit_taking_anonymous,
    unit_taking_concerns,
)

STATES = {"open": [State.OPEN], "answered": [State.ANSWERED], "closed": [State.CLOSED]}


def _photo_bytes(form: Any) -> bytes | None:
    photo = form.cleaned_data.get("photo")
    return photo.read() if photo else None


# --- A unit's concerns ------------------------------------------------------------------------


@gate(VIEW_VOICES)
def inbox(request: HttpRequest, scope: Scope) -> HttpResponse:
    qs = concerns_of(scope)
    state = request.GET.get("state", "open")
    if state in STATES:
        qs = qs.filter(state__in=STATES[state])
    topic = request.GET.get("topic", "")
    if topic in Topic.values:
        qs = qs.filter(topic=topic)
    # Violence and abuse apart, at the top, while not closed.
    urgent = list(
        concerns_of(scope)
        .filter(urgent=True)
        .exclude(state=State.CLOSED)
        .order_by("created_at")[:50]
    )
    page = Paginator(qs.filter(urgent=False).order_by("-created_at"), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "unit": scope.unit,
        "urgent": urgent,
        "page": page,
        "state": state,
        "topic": topic,
        "topics": Topic.choices,
        "can_answer": scope.can(ANSWER_VOICES),
        "can_manage": scope.can(MANAGE_VOICES),
        "held_here": concerns_of(scope).filter(holder=scope.unit, state=State.OPEN).count(),
    }
    return render(request, "voices/inbox.html", context)


@gate(VIEW_VOICES)
def detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    concern = access_concern(scope, pk)
    context = {
        "unit": scope.unit,
        "concern": concern,
        "steps": concern.steps.select_related("actor", "unit"),
        "can_answer": scope.can(ANSWER_VOICES),
        "answer_form": AnswerForm(),
        "note_form": NoteForm(),
        "can_forward": concern.holder.level > Level.PROVINCE and concern.state != State.CLOSED,
    }
    return render(request, "voices/detail.html", context)


def _act(request: HttpRequest, scope: Scope, pk: int, action: Any) -> HttpResponse:
    concern = access_concern(scope, pk)
    try:
        said = action(concern)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, said)
    return redirect("voices:detail", unit_code=scope.unit.code, pk=pk)


@require_POST
@gate(ANSWER_VOICES)
def answer(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    form = AnswerForm(request.POST)

    def act(concern: Concern) -> str:
        if not form.is_valid():
            raise ValidationError(_("Please write the answer."))
        services.concern_answer(actor=scope.user, concern=concern, **form.cleaned_data)
        return _("Your answer is saved; the member sees it on her page.")

    return _act(request, scope, pk, act)


@require_POST
@gate(ANSWER_VOICES)
def forward(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    form = NoteForm(request.POST)
    form.is_valid()

    def act(concern: Concern) -> str:
        note = form.cleaned_data.get("note", "")
        concern = services.concern_forward(actor=scope.user, concern=concern, note=note)
        return _("Forwarded to %(unit)s.") % {"unit": concern.holder.name}

    return _act(request, scope, pk, act)


@require_POST
@gate(ANSWER_VOICES)
def close(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    def act(concern: Concern) -> str:
        services.concern_close(actor=scope.user, concern=concern)
        return _("Closed.")

    return _act(request, scope, pk, act)


@require_POST
@gate(ANSWER_VOICES)
def reopen(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    def act(concern: Concern) -> str:
        services.concern_reopen(actor=scope.user, concern=concern)
        return _("Reopened.")

    return _act(request, scope, pk, act)


@gate(VIEW_VOICES)
def report(request: HttpRequest, scope: Scope) -> HttpResponse:
    today = timezone.localdate()
    period = period_of(request.GET.get("period", ""), request.GET.get("on", ""), today)
    context = {
        "unit": scope.unit,
        "report": concerns_report(scope.unit, period),
        "period": period,
        "previous": period.previous(),
        "next": period.next() if period.end <= today else None,
    }
    return render(request, "voices/report.html", context)


@gate(VIEW_VOICES)
def photo(request: HttpRequest, scope: Scope, pk: int) -> FileResponse:
    concern = access_concern(scope, pk)
    path = services.photo_path(concern.photo)
    if path is None:
        raise Http404("no photo")
    return FileResponse(path.open("rb"), content_type="image/jpeg")


def _member_by(scope: Scope, text: str) -> Member | None:
    """The member of the scope with exactly this card number or phone number; an error if
    none or several (never a guess)."""
    text = "".join(text.split())
    if not text:
        return None
    found = list(
        Member.objects.filter(branch_path__startswith=scope.unit.path).filter(
            Q(card_number__iexact=text) | Q(phone=text)
        )[:2]
    )
    if len(found) != 1:
        raise ValidationError(
            {
                "member": _(
                    "No single member of %(unit)s has this card or phone number. Please check it, "
                    "or leave it empty."
                )
                % {"unit": scope.unit.name}
            }
        )
    return found[0]


@gate(ANSWER_VOICES)
def record(request: HttpRequest, scope: Scope) -> HttpResponse:
    """A cadre records a concern heard at a meeting or on the phone."""
    form = RecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = _member_by(scope, data["member"])
            origin = member.branch if member is not None and member.branch else scope.unit
            concern, _code = services.concern_raise(
                origin=origin, topic=data["topic"], text=data["text"], reply=data["reply"] or "",
                member=member, actor=scope.user, photo=_photo_bytes(form),
            )  # fmt: skip
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The concern is recorded."))
            return redirect("voices:detail", unit_code=scope.unit.code, pk=concern.pk)
    context = {"unit": scope.unit, "form": form, "title": _("Record a member's concern")}
    return render(request, "voices/form.html", context)


@gate(MANAGE_VOICES)
def voice_settings(request: HttpRequest, scope: Scope) -> HttpResponse:
    current = services.settings_for(scope.unit)
    initial = {"anonymous": current.anonymous, "rise_after": current.rise_after}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.settings_save(actor=scope.user, unit=scope.unit, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("voices:inbox", unit_code=scope.unit.code)
    open_link = request.build_absolute_uri(f"/y-kien/{scope.unit.code}/")
    phone_link = request.build_absolute_uri(f"/y-kien/{scope.unit.code}/dien-thoai/")
    context = {"unit": scope.unit, "form": form, "open_link": open_link, "current": current,
               "phone_link": phone_link}  # fmt: skip
    return render(request, "voices/settings.html", context)


# --- A member's own concerns --------------------------------------------------------------------


@member_required
def my_list(request: HttpRequest, member: Member) -> HttpResponse:
    concerns = list(concerns_of_member(member)[:100])
    context = {"member": member, "concerns": concerns, "surveys": surveys_for(member)}
    return render(request, "voices/mine.html", context)


@member_required
def my_new(request: HttpRequest, member: Member) -> HttpResponse:
    form = ConcernForm(request.POST or None, request.FILES or None, initial={"reply": Reply.APP})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.concern_raise(
                origin=member.branch or member.commune, topic=data["topic"], text=data["text"],
                reply=data["reply"] or "", member=member, actor=request.user,  # type: ignore[arg-type]
                photo=_photo_bytes(form),
            )  # fmt: skip
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("Thank you. Your branch and commune have received it."))
            return redirect("my_voices:list")
    context = {"form": form, "title": _("Send a concern or a question"), "member": member}
    return render(request, "voices/form.html", context)


def _public_steps(concern: Concern) -> list[Any]:
    """What the author sees: the answers and where it is, not the cadres' internal notes."""
    shown = []
    for step in concern.steps.select_related("unit"):
        shown.append(
            {
                "kind": step.get_kind_display(),
                "at": step.at,
                "unit": step.unit.name,
                "note": step.note if step.kind == StepKind.ANSWERED else "",
            }
        )
    return shown


@member_required
def my_detail(request: HttpRequest, member: Member, pk: int) -> HttpResponse:
    concern = access_own_concern(member, pk)
    context = {"concern": concern, "steps": _public_steps(concern), "member": member}
    return render(request, "voices/mine_detail.html", context)


# --- Anonymous, where the unit takes them ----------------------------------------------------------

# How many anonymous concerns one network may send in an hour; the counter's key is a hash of
# the address with the day's date and the site's secret, kept one hour, never written anywhere.
ANONYMOUS_PER_HOUR = 5


def _open_unit(unit_code: str) -> Unit:
    return unit_taking_anonymous(unit_code)


def _throttled(request: HttpRequest) -> bool:
    address = request.META.get("REMOTE_ADDR", "")
    day = timezone.localdate().isoformat()
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{day}:{address}".encode()).hexdigest()
    key = f"voices-open:{digest}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > ANONYMOUS_PER_HOUR
    except ValueError:
        return False


def open_new(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _open_unit(unit_code)
    form = AnonymousConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _throttled(request):
            form.add_error(
                None,
                _("Too many concerns from this network in the last hour. Please try again later."),
            )
        else:
            data = form.cleaned_data
            concern, code = services.concern_raise(
                origin=unit, topic=data["topic"], text=data["text"],
                reply=Reply.APP if data["reply"] else Reply.NONE, anonymous=True,
            )  # fmt: skip
            context = {"unit": unit, "code": code if concern.reply else ""}
            return render(request, "voices/open_sent.html", context)
    return render(request, "voices/open_form.html", {"unit": unit, "form": form})


def open_phone(request: HttpRequest, unit_code: str) -> HttpResponse:
    """A member sends a concern from any phone: her number, a one-time code, then what she says."""
    unit = unit_taking_concerns(unit_code)
    if request.method == "POST" and "code" in request.POST:
        form: Any = PhoneConcernForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = services.code_member(data["phone"], data["code"])
                services.concern_raise(
                    origin=member.branch or member.commune, topic=data["topic"],
                    text=data["text"], reply=data["reply"] or "", member=member,
                    source="member",
                )  # fmt: skip
            except ValidationError as e:
                add_service_error(form, e)
            else:
                return render(request, "voices/open_sent.html", {"unit": unit, "code": ""})
        return render(request, "voices/open_phone.html", {"unit": unit, "form": form, "step": 2})
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _throttled(request):
            form.add_error(
                None,
                _("Too many requests from this network in the last hour. Please try again later."),
            )
        else:
            try:
                services.code_send(unit, form.cleaned_data["phone"])
            except ValidationError as e:
                add_service_error(form, e)
            else:
                second = PhoneConcernForm(
                    initial={"phone": form.cleaned_data["phone"], "reply": Reply.APP}
                )
                context = {"unit": unit, "form": second, "step": 2}
                return render(request, "voices/open_phone.html", context)
    return render(request, "voices/open_phone.html", {"unit": unit, "form": form, "step": 1})


def open_check(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _open_unit(unit_code)
    concern = None
    code = request.POST.get("code", "") if request.method == "POST" else ""
    if code:
        if _throttled(request):
            raise Http404("too many tries")
        concern = services.concern_by_code(unit, code)
    context = {
        "unit": unit,
        "concern": concern,
        "steps": _public_steps(concern) if concern else [],
        "tried": bool(code),
    }
    return render(request, "voices/open_check.html", context)
