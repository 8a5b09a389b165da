"""Forms for schemes, criteria, the self-assessment and the decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import date_field
from hoiso.metrics.registry import metric_choices
from hoiso.ratings import points
from hoiso.ratings.models import Assessment, Criterion, Kind, Mapping, Rating, Scheme, Score
from hoiso.ratings.services import rated_levels
from hoiso.units.models import Unit

POINTS_INPUT = {"inputmode": "decimal", "step": "0.25", "min": "0"}


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = [
            "year",
            "level",
            "title",
            "excellent_from",
            "excellent_floor",
            "good_from",
            "good_floor",
            "fair_from",
            "fair_floor",
            "self_due",
        ]
        help_texts = {
            "excellent_floor": _("Leave empty for no condition; 50 means no criterion below half."),
        }

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = rated_levels(unit)  # type: ignore[attr-defined]
        self.fields["self_due"] = date_field(Scheme._meta.get_field("self_due").verbose_name)
        if self.instance.pk:
            self.fields["self_due"].initial = self.instance.self_due


class CriterionForm(forms.ModelForm):
    steps_text = forms.CharField(
        label=_("Steps, one a line: figure = points"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "100 = 10\n80 = 7\n50 = 4"}),
        help_text=_(
            "The best step the figure reaches counts (for a figure where lower is "
            "better: the smallest step it stays under)."
        ),
    )

    class Meta:
        model = Criterion
        fields = ["title", "guidance", "max_points", "kind", "metric", "mapping", "target"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"] = forms.ChoiceField(
            label=Criterion._meta.get_field("metric").verbose_name,
            choices=[("", "—"), *metric_choices()],
            required=False,
        )
        self.fields["mapping"].required = False
        if self.instance.pk and self.instance.steps:
            self.fields["steps_text"].initial = points.steps_as_text(self.instance.steps)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["steps"] = []
        if data.get("kind") == Kind.COMPUTED and data.get("mapping") == Mapping.STEPS:
            try:
                data["steps"] = points.steps_from_text(
                    data.get("steps_text") or "", data.get("max_points")
                )
            except ValidationError as e:
                self.add_error("steps_text", e)
        return data


def _points_field(label: Any, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs=POINTS_INPUT),
    )


class SelfForm(forms.Form):
    """One field pair (points, evidence) and a file input per hand-scored criterion."""

    summary = forms.CharField(
        label=_("The unit's own summary of the year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, scores: list[Score], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scores = scores
        for s in scores:
            if s.criterion.kind != Kind.MANUAL:
                continue
            c = s.criterion
            self.fields[f"p{c.pk}"] = _points_field(_("Points"))
            self.fields[f"p{c.pk}"].initial = points.as_input(s.self_points)
            self.fields[f"p{c.pk}"].widget.attrs["max"] = points.as_input(c.max_points)
            self.fields[f"e{c.pk}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                initial=s.evidence,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            # The files come as `f<id>` (several per input), read by the view from FILES.

    def entries(self) -> dict[int, tuple[Decimal | None, str]]:
        return {
            s.criterion_id: (
                self.cleaned_data.get(f"p{s.criterion_id}"),
                self.cleaned_data.get(f"e{s.criterion_id}") or "",
            )
            for s in self.scores
            if s.criterion.kind == Kind.MANUAL
        }


class DecideForm(forms.Form):
    decided_on = date_field(_("Date of the decision"), required=True)
    rating = forms.ChoiceField(
        label=_("Rating"),
        choices=[("", _("As the points earn")), *Rating.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note (needed when the rating differs from the points)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, assessment: Assessment, scores: list[Score], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.scores = scores
        self.fields["decided_on"].initial = timezone.localdate()
        for s in scores:
            cid = s.criterion_id
            self.fields[f"p{cid}"] = _points_field(_("Decided points"), required=True)
            self.fields[f"p{cid}"].initial = points.as_input(s.self_points or Decimal(0))
            self.fields[f"p{cid}"].widget.attrs["max"] = points.as_input(s.criterion.max_points)
            self.fields[f"r{cid}"] = forms.CharField(
                label=_("Reason for the other score"),
                required=False,
                initial=s.reason,
            )

    def adjusted(self) -> dict[int, tuple[Decimal, str]]:
        return {
            s.criterion_id: (
                self.cleaned_data[f"p{s.criterion_id}"],
                self.cleaned_data.get(f"r{s.criterion_id}") or "",
            )
            for s in self.scores
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen it"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
