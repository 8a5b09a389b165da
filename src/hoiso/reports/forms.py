"""The forms of the report-form builder (the report itself is read by `figures.check`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.metrics.registry import REGISTRY, metric_choices
from hoiso.reports.models import Frequency, ReportForm, SectionKind, Source
from hoiso.units.models import Level, Unit

STARTING = (
    ("", _("Empty: I add the sections myself")),
    ("monthly", _("The province's usual monthly report")),
    ("half", _("The province's usual six-monthly review")),
)


class ReportFormForm(forms.ModelForm[ReportForm]):
    start_from = forms.ChoiceField(label=_("Start from"), choices=STARTING, required=False)

    class Meta:
        model = ReportForm
        fields = ["title", "level", "frequency", "due_days", "starts_on"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, owner: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        below = [(v, label) for v, label in Level.choices if v > owner.level and v >= Level.COMMUNE]
        self.fields["level"] = forms.TypedChoiceField(
            label=_("Reporting level"), choices=below, coerce=int
        )
        self.fields["frequency"].choices = Frequency.choices  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = timezone.localdate().replace(month=1, day=1)
        self.fields["due_days"].help_text = _(
            "5: a monthly report is due by the 5th of the next month."
        )


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)
    kind = forms.ChoiceField(label=_("Contents"), choices=SectionKind.choices)
    guidance = forms.CharField(label=_("Guidance"), max_length=500, required=False)


class ItemForm(forms.Form):
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    label = forms.CharField(label=_("Figure"), max_length=200)
    key = forms.SlugField(
        label=_("Short name"), max_length=40, help_text=_("Letters without marks, such as loans.")
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    metric = forms.ChoiceField(label=_("Metric"), required=False)
    at_most = forms.SlugField(label=_("At most the figure"), max_length=40, required=False,
                              help_text=_("The short name of a figure this one may not exceed."))  # fmt: skip
    weight = forms.SlugField(label=_("Weighted by the figure"), max_length=40, required=False,
                             help_text=_("For a percentage: the count it is a share of, to consolidate it."))  # fmt: skip

    def __init__(self, *args: Any, form: ReportForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = form.sections.filter(kind=SectionKind.FIGURES)
        self.fields["section"].choices = [(s.pk, s.title) for s in sections]  # type: ignore[attr-defined]
        self.fields["metric"].choices = [("", "—"), *metric_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        metric = REGISTRY.get(data.get("metric") or "")
        data["is_percent"] = bool(metric and metric.unit == "percent")
        if data.get("source") == Source.TYPED:
            data["metric"] = ""
        return data
