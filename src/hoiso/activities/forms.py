from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.activities.choices import ActivityKind, EquipmentKind, EquipmentState, Result
from hoiso.activities.models import Course, Theme
from hoiso.core.forms import date_field
from hoiso.core.uploads import CappedImageField
from hoiso.units.models import Level, Unit


def _date(label: Any, required: bool = True) -> forms.DateField:
    return date_field(label, required, missing=_("Enter the date."))


class ActivityForm(forms.Form):
    """Few required fields (kind, date), the rest folded away: a phone records it in a minute."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=ActivityKind.choices, widget=forms.RadioSelect
    )
    on = _date(_("Date"))
    title = forms.CharField(
        label=pgettext_lazy("activity", "Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the kind."),
    )
    participants = forms.IntegerField(
        label=_("Participants"),
        min_value=0,
        max_value=100_000,
        required=False,
        help_text=_("For a branch meeting, tick who came on the next page instead."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    theme = forms.ModelChoiceField(
        label=_("Theme of the year"), queryset=Theme.objects.none(), required=False
    )
    partners = forms.CharField(label=_("Partners"), max_length=300, required=False)
    report = forms.CharField(
        label=_("Short report"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = CappedImageField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        error_messages={"invalid_image": _("This file is not a photo; choose a JPEG or PNG.")},
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("on", timezone.localdate())
        if unit.level == Level.BRANCH:
            initial.setdefault("kind", ActivityKind.MEETING)
        else:
            initial.setdefault("kind", ActivityKind.COMMUNICATION)
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = (  # type: ignore[attr-defined]
            ActivityKind.choices
            if unit.level == Level.BRANCH
            else [c for c in ActivityKind.choices if c[0] != ActivityKind.MEETING]
        )
        province = unit.ancestor_paths[1] if len(unit.ancestor_paths) > 1 else unit.path
        year = timezone.localdate().year
        self.fields["theme"].queryset = Theme.objects.filter(  # type: ignore[attr-defined]
            province__path=province, year__in=[year - 1, year]
        )

    def more(self) -> list[forms.BoundField]:
        """The optional fields, folded away on a phone."""
        return [self[n] for n in ("participants", "place", "theme", "partners", "report")]


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *ActivityKind.choices], required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)


class RuleForm(forms.Form):
    attendance = forms.IntegerField(
        label=_("Meeting attendance at least (%)"), min_value=0, max_value=100
    )
    dues = forms.IntegerField(label=_("Dues paid at least (%)"), min_value=0, max_value=100)
    carded = forms.IntegerField(
        label=_("Members with a card at least (%)"), min_value=0, max_value=100
    )


class ThemeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Theme"), max_length=200)


class CourseForm(forms.ModelForm):
    starts_on = _date(_("First day"))
    ends_on = _date(_("Last day"))
    meeting_link = forms.URLField(label=_("Meeting link"), required=False, assume_scheme="https")

    class Meta:
        model = Course
        fields = ["title", "topic", "starts_on", "ends_on", "mode", "place", "meeting_link"]


class TraineeForm(forms.Form):
    """A cadre by her username or phone, or a member by her card number."""

    who = forms.CharField(
        label=_("Cadre's username or phone, or member's card number"), max_length=40
    )


class AssessForm(forms.Form):
    attended = forms.BooleanField(label=_("Attended"), required=False)
    completed = forms.BooleanField(label=_("Completed"), required=False)
    result = forms.TypedChoiceField(label=_("Assessment"), choices=Result.choices, coerce=int)


class EquipmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EquipmentKind.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)
    state = forms.ChoiceField(label=_("State"), choices=EquipmentState.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EquipmentKind.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)
    reason = forms.CharField(
        label=_("What it is needed for"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
