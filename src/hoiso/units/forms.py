import datetime as dt

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
