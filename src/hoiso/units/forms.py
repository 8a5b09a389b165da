import datetime as dt
from collections import Counter
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.units.models import Unit


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "is_ethnic_minority_area", "is_remote_area", "is_border_area"]
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "off"})}


class CloseForm(forms.Form):
    on = forms.DateField(
        label=_("Closed on"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on > dt.date.today() + dt.timedelta(days=366):
            raise forms.ValidationError(_("The date is too far ahead; check the year."))
        return on


class UnitChoiceField(forms.ModelChoiceField):
    """A select of units in which two units of one name can be told apart.

    Names repeat across a province ("Chi hội Thôn 1" in many communes): such an option carries
    its parent, "Chi hội Buôn Akô Dhông (xã Ea Kar)"; a name met once stays as it is."""

    _repeated: tuple[Any, set[str]] | None = None

    def repeated_names(self) -> set[str]:
        queryset = self.queryset
        if self._repeated is None or self._repeated[0] is not queryset:
            counts = Counter(queryset.values_list("name", flat=True))  # type: ignore[union-attr]
            self._repeated = (queryset, {name for name, n in counts.items() if n > 1})
        return self._repeated[1]

    def label_from_instance(self, obj: Any) -> str:
        if obj.name in self.repeated_names() and obj.parent_id:
            return f"{obj.name} ({obj.parent.in_sentence})"
        return str(obj.name)
