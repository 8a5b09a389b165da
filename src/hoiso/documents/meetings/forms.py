"""The forms of meetings: call one, answer an invitation, the minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import date_field
from hoiso.documents.forms import FilesField
from hoiso.documents.models import Document, Kind
from hoiso.documents.services import default_issuer_code
from hoiso.units.models import Unit

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def _time(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"],
        widget=TimeInput(),
        error_messages={"invalid": _("Please write the time as hh:mm, such as 08:30.")},
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("meeting", "Title"), max_length=300)
    day = date_field(pgettext_lazy("meeting", "Day"), required=True)
    starts = _time(_("Starts at"))
    ends = _time(_("Ends at"))
    video_url = forms.CharField(
        label=_("Video link"),
        max_length=500,
        help_text=_("The meeting's link on any video service (Zoom, Google Meet, Teams…)."),
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    agenda_documents = forms.ModelMultipleChoiceField(
        label=_("Documents to discuss"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = FilesField(label=_("Other papers (PDF, Word, Excel, pictures)"))

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The unit's recent documents, issued or received: the register's own two books.
        docs = Document.objects.filter(Q(unit=unit) | Q(receipts__unit=unit))
        recent = list(docs.order_by("-issued_on", "-pk").values_list("pk", flat=True)[:30])
        field = self.fields["agenda_documents"]
        field.queryset = Document.objects.filter(pk__in=recent).order_by("-issued_on", "-pk")  # type: ignore[attr-defined]
        field.label_from_instance = lambda d: f"{d.symbol} · {d.summary[:80]}"  # type: ignore[attr-defined]

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        """Start and end, as aware times in Vietnam's zone."""
        day = self.cleaned_data["day"]
        start = dt.datetime.combine(day, self.cleaned_data["starts"], tzinfo=LOCAL)
        end = dt.datetime.combine(day, self.cleaned_data["ends"], tzinfo=LOCAL)
        return start, end


class AnswerForm(forms.Form):
    invitation = forms.IntegerField(widget=forms.HiddenInput)
    response = forms.ChoiceField(
        choices=[("accepted", _("Will attend")), ("apology", _("Sends apologies"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class MinutesForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("document", "Kind"),
        choices=[(Kind.MINUTES, _("Minutes")), (Kind.NOTICE, _("Notice of conclusions"))],
    )
    issuer_code = forms.CharField(label=_("Issuer's abbreviation"), max_length=20)
    summary = forms.CharField(
        label=pgettext_lazy("document", "Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Conclusions"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    issued_on = date_field(pgettext_lazy("document", "Date"), required=True)
    signer_name = forms.CharField(label=_("Signed by"), max_length=150)
    signer_position = forms.CharField(label=_("Position"), max_length=150)
    attachments = FilesField(label=_("Attachments (PDF, Word, Excel, pictures)"))

    @staticmethod
    def initial_for(unit: Unit, title: str, signer: str, today: dt.date) -> dict[str, Any]:
        return {"kind": Kind.MINUTES, "issuer_code": default_issuer_code(unit),
                "summary": (gettext("Minutes of the meeting: %(title)s") % {"title": title})[:500], "issued_on": today,
                "signer_name": signer}  # fmt: skip
