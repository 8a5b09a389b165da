"""Putting a service's ValidationError on a form without losing it or crashing."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Errors on the form's fields go beside them; an error on a field this user's form does not
    show (a sensitive one) becomes a general message that does not reveal it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field == NON_FIELD_ERRORS or field in form.fields:
            form.add_error(None if field == NON_FIELD_ERRORS else field, errors)
        else:
            form.add_error(
                None,
                _("This change conflicts with data you may not see; ask a cadre to check it."),
            )
