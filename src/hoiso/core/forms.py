"""Form helpers every app uses: dates as cadres type them, and a ValidationError put on a form
without losing it or crashing."""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

# Dates as cadres type them (dd/mm/yyyy), as a browser's date picker sends them, and with dashes.
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]


class DateInput(forms.DateInput):
    """The browser's date picker (which shows the date the local way and sends yyyy-mm-dd)."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: Any, required: bool = False, missing: Any = None) -> forms.DateField:
    """A date field that takes what cadres type and says how to write it when it cannot;
    `missing` replaces Django's message for a required date left empty."""
    messages = {"invalid": _("Enter the date as dd/mm/yyyy.")}
    if missing is not None:
        messages["required"] = missing
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages=messages,
    )


HIDDEN_CONFLICT = _("This change conflicts with data you may not see; ask a cadre to check it.")


def shown_errors(form: forms.BaseForm, error: ValidationError) -> ValidationError:
    """The error as this form can show it: an error on a field the user's form leaves out (a
    sensitive one) becomes a general message that does not reveal it."""
    if not hasattr(error, "error_dict"):
        return error
    kept: dict[str, list[ValidationError]] = {}
    for name, errors in error.error_dict.items():
        if name == NON_FIELD_ERRORS or name in form.fields:
            kept.setdefault(name, []).extend(errors)
        else:
            kept.setdefault(NON_FIELD_ERRORS, []).append(ValidationError(HIDDEN_CONFLICT))
    return ValidationError(kept)


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's error beside the fields it names, or at the top of the form."""
    form.add_error(None, shown_errors(form, error))
