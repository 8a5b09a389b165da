from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from hoiso.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or phone number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The username, phone number or password is wrong. Check them and try again."
        ),
        "inactive": _("This account is locked. Ask your unit's admin."),
    }


class AccountForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only, no spaces."),
        validators=[User.username_validator],
    )
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Role"))
    full_time = forms.BooleanField(
        label=_("Full-time cadre of the union (paid staff, not a volunteer)"),
        required=False,
        help_text=_("Tick for the commune's full-time cadres: the training targets count them."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits. Give it to the person privately."),
    )

    def __init__(self, *args: Any, roles: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = roles


class AssignForm(forms.Form):
    who = forms.CharField(label=_("Username or phone number of an existing account"))
    role = forms.ChoiceField(label=_("Role"))
    full_time = forms.BooleanField(
        label=_("Full-time cadre of the union (paid staff, not a volunteer)"),
        required=False,
        help_text=_("Tick for the commune's full-time cadres: the training targets count them."),
    )

    def __init__(self, *args: Any, roles: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = roles
