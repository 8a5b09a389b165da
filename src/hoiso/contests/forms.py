from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hoiso.core.uploads import CappedImageField
from hoiso.units.models import Unit

from .models import Contest, Eligibility
from .services import MAX_IMAGES, MAX_LINKS, level_choices_below

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker (local time, sent as yyyy-mm-ddThh:mm)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _when(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=capfirst(label),
        input_formats=DATETIME_FORMATS,
        widget=DateTimeInput(),
        error_messages={
            "invalid": _("Please enter the date and time as dd/mm/yyyy hh:mm."),
            "required": _("Please enter the date and time."),
        },
    )


class ContestForm(forms.ModelForm):  # type: ignore[type-arg]
    entries_open = _when(_("entries open"))
    entries_close = _when(_("entries close"))
    judging_open = _when(_("judging opens"))
    judging_close = _when(_("judging closes"))
    voting_open = _when(_("public vote opens"))
    voting_close = _when(_("public vote closes"))
    results_at = _when(_("results published"))
    livestream_url = forms.URLField(
        label=capfirst(_("livestream link")), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Contest
        fields = ["title", "slug", "rules", "eligibility", "eligible_level", "entries_open",
                  "entries_close", "judging_open", "judging_close", "voting_open", "voting_close",
                  "results_at", "vote_rule", "judge_share", "tie_rule", "livestream_url"]  # fmt: skip
        widgets = {"rules": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "slug": _("Letters, digits and dashes; left empty, it is made from the title."),
            "judge_share": _("The public vote counts for the rest."),
        }

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["eligible_level"].choices = [("", "—"), *level_choices_below(unit)]

    def _post_clean(self) -> None:
        # The model's own checks run in the service (which says what to fix in Vietnamese).
        pass


class Labelled(forms.Form):
    """Labels begin with a capital, as the rest of the site writes them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)


class PrizeForm(Labelled):
    rank = forms.IntegerField(label=_("rank"), min_value=1, max_value=50)
    name = forms.CharField(label=_("prize"), max_length=120)
    quantity = forms.IntegerField(label=_("how many"), min_value=1, max_value=100, initial=1)


class JudgeForm(Labelled):
    account = forms.CharField(label=_("User name or phone number"), max_length=150)


class CriterionForm(Labelled):
    name = forms.CharField(label=_("criterion"), max_length=200)
    weight = forms.IntegerField(label=_("weight"), min_value=1, max_value=100, initial=1)
    max_points = forms.IntegerField(
        label=_("highest score"), min_value=1, max_value=100, initial=10
    )


class EntryForm(Labelled):
    title = forms.CharField(label=_("title"), max_length=200)
    text = forms.CharField(
        label=_("description"), max_length=10000, required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    image1 = CappedImageField(label=_("photo"), required=False)
    image2 = CappedImageField(label=_("photo"), required=False)
    image3 = CappedImageField(label=_("photo"), required=False)
    link1 = forms.URLField(
        label=_("video link"), max_length=500, required=False, assume_scheme="https"
    )
    link2 = forms.URLField(
        label=_("video link"), max_length=500, required=False, assume_scheme="https"
    )

    def images(self) -> list[bytes]:
        out = []
        for name in ("image1", "image2", "image3"):
            f = self.cleaned_data.get(name)
            if f:
                f.seek(0)
                out.append(f.read())
        return out[:MAX_IMAGES]

    def links(self) -> list[str]:
        return [u for u in (self.cleaned_data.get("link1"), self.cleaned_data.get("link2")) if u][
            :MAX_LINKS
        ]


class CadreEntryForm(EntryForm):
    """A cadre enters for her unit, for a member of her unit (by card or phone number), or, when
    the contest is open to anyone, for someone she names."""

    who = forms.ChoiceField(label=_("Who enters"), widget=forms.RadioSelect)
    member = forms.CharField(
        label=_("The member's card or phone number"), max_length=20, required=False
    )
    entrant_name = forms.CharField(label=_("Name of who enters"), max_length=200, required=False)

    field_order = ["who", "member", "entrant_name", "title", "text"]

    def __init__(self, *args: Any, contest: Contest, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        if contest.eligibility != Eligibility.MEMBERS:
            choices.append(("unit", unit.name))
        if contest.eligibility != Eligibility.UNITS_OF_LEVEL:
            choices.append(("member", _("A member (card or phone number below)")))
        if contest.eligibility == Eligibility.ANYONE:
            choices.append(("named", _("Someone else (name below)")))
        self.fields["who"].choices = choices
        self.fields["who"].initial = choices[0][0]
        if contest.eligibility == Eligibility.UNITS_OF_LEVEL:
            del self.fields["member"]
        if contest.eligibility != Eligibility.ANYONE:
            del self.fields["entrant_name"]


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Why it is rejected"), max_length=500, required=False)
