from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.targets.metrics import metric_choices
from hoiso.targets.models import Target
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

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["metric"]).choices = [("", "—"), *metric_choices()]
        cast(forms.ChoiceField, self.fields["level"]).choices = applies_level(unit)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        for name in ("threshold", "required_share"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"


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
