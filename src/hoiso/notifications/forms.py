from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.notifications import audiences
from hoiso.notifications.models import EXTERNAL, Channel
from hoiso.units.models import Unit


class NoticeForm(forms.Form):
    audience = forms.ChoiceField(label=_("Send to"))
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Message"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    urgent = forms.BooleanField(label=_("Urgent: send even at night (21:00–07:00)"), required=False)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["audience"].choices = audiences.choices(unit)  # type: ignore[attr-defined]

    def clean_audience(self) -> str:
        value: str = self.cleaned_data["audience"]
        if audiences.resolve(self.unit, value) is None:
            raise forms.ValidationError(_("Please choose who receives the notice."))
        return value

    def audience_label(self) -> str:
        return dict(self.fields["audience"].choices)[self.cleaned_data["audience"]]  # type: ignore[attr-defined]


CHANNEL_CHOICES = [(c.value, c.label) for c in Channel if c in EXTERNAL]


class PreferenceForm(forms.Form):
    """Which channels she agrees to be reached on, the first she prefers, and SMS form."""

    consents = forms.MultipleChoiceField(
        label=_("I agree to receive the union's messages by"),
        choices=CHANNEL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    first = forms.ChoiceField(
        label=_("Reach me first by"),
        choices=[(Channel.INAPP.value, Channel.INAPP.label), *CHANNEL_CHOICES],
    )
    sms_plain = forms.BooleanField(
        label=_("SMS without diacritics (shorter, half the cost to the union)"), required=False
    )
