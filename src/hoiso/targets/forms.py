from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.metrics.registry import REGISTRY, metric_choices
from hoiso.targets.models import Comparison, Target
from hoiso.targets.services import applies_level
from hoiso.units.models import Unit


class TargetForm(forms.ModelForm):
    metric = forms.ChoiceField(label=_("What is measured"))
    level = forms.TypedChoiceField(label=_("Applies to"), coerce=int)

    class Meta:
        model = Target
        fields = [
            "year",
            "theme",
            "title",
            "metric",
            "level",
            "period_kind",
            "comparison",
            "threshold",
            "required_share",
            "remind_days",
            "publish_ranking",
        ]
        help_texts = {
            "threshold": _("e.g. 1 for “at least one post”; a percentage for rates."),
            "required_share": _(
                "e.g. 40 when 40 in every 100 communes must reach it; 100 when all must."
            ),
        }

    def __init__(self, *args: Any, unit: Unit, redraw_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        cast(forms.ChoiceField, self.fields["metric"]).choices = [("", "—"), *metric_choices()]
        # The levels and comparisons offered follow the year and the metric chosen: the page
        # redraws the form when either changes (htmx), and the service checks them again.
        cast(forms.ChoiceField, self.fields["level"]).choices = applies_level(
            unit, _as_int(self._current("year"))
        )
        metric = REGISTRY.get(str(self._current("metric") or ""))
        comparisons = Comparison.for_direction(metric.better) if metric else list(Comparison)
        cast(forms.ChoiceField, self.fields["comparison"]).choices = [
            (c.value, c.label) for c in comparisons
        ]
        # Left out (an older page, a script), it is the one that makes sense for the metric.
        self.fields["comparison"].required = False
        for name in ("threshold", "required_share"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        if redraw_url:
            # Only the field that depends on the one changed is redrawn, so that what the cadre
            # types meanwhile in the other fields stays as it is.
            for name, depends in (("metric", "comparison"), ("year", "level")):
                self.fields[name].widget.attrs.update({
                    "hx-get": redraw_url, "hx-trigger": "change", "hx-include": "closest form",
                    "hx-target": f"#field-{depends}", "hx-select": f"#field-{depends}",
                    "hx-swap": "outerHTML",
                })  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        metric = REGISTRY.get(data.get("metric") or "")
        if metric is not None and not data.get("comparison"):
            data["comparison"] = Comparison.for_direction(metric.better)[0]
        return data

    def _current(self, name: str) -> Any:
        """A field's value as the form stands: posted, given as initial, or the instance's."""
        if self.is_bound:
            return self.data.get(name)
        if name in self.initial:
            return self.initial[name]
        return self.fields[name].initial


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PopulationForm(forms.Form):
    """One number per unit, named `u<id>`."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(
        self, *args: Any, units: list[Unit], current: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = units
        for u in units:
            self.fields[f"u{u.pk}"] = forms.IntegerField(
                label=u.name,
                required=False,
                min_value=0,
                initial=current.get(u.pk),
                error_messages={
                    "min_value": _("The number cannot be negative."),
                    "invalid": _("Enter a whole number, without dots or spaces."),
                },
            )

    def unit_fields(self) -> list[forms.BoundField]:
        return [self[f"u{u.pk}"] for u in self.units]
