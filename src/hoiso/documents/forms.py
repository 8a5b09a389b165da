"""The forms of documents: issue, report back, forward, search the register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.accounts.models import User
from hoiso.core.forms import date_field
from hoiso.core.text import normalise_phone
from hoiso.documents.models import Kind
from hoiso.documents.services import Recipients
from hoiso.units.models import Level, Unit

ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.webp"
MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input; each is checked by the service (type, size, name)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(items) > MAX_FILES:
            raise forms.ValidationError(
                _("Please attach at most %(n)s files at once.") % {"n": MAX_FILES}
            )
        return [super(FilesField, self).clean(d, initial) for d in items]


def _levels_below(unit: Unit) -> list[tuple[str, str]]:
    return [("", "—")] + [
        (str(v), str(label)) for v, label in Level.choices if v > unit.level and v != Level.DISTRICT
    ]


class RecipientsForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Units one level down"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.TypedChoiceField(
        label=_("Or every open unit of a level in your unit"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    people = forms.CharField(
        label=_("Named people"),
        required=False,
        help_text=_(
            "Login names or phone numbers of people serving in your unit, separated by commas."
        ),
    )

    def __init__(self, *args: Any, unit: Unit, people: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["units"].queryset = unit.children.active().order_by("name")  # type: ignore[attr-defined]
        self.fields["level"].choices = _levels_below(unit)  # type: ignore[attr-defined]
        if not people:
            del self.fields["people"]

    def clean_people(self) -> list[User]:
        wanted = [w.strip() for w in self.cleaned_data.get("people", "").split(",") if w.strip()]
        found: list[User] = []
        for word in wanted:
            phone = normalise_phone(word) if any(c.isdigit() for c in word) else ""
            match = Q(username=word) | (Q(phone=phone) if phone else Q(pk__in=[]))
            user = (
                User.objects.filter(
                    match, is_active=True, assignments__unit__path__startswith=self.unit.path
                )
                .distinct()
                .first()
            )
            if user is None:
                raise forms.ValidationError(
                    _(
                        "Please check “%(who)s”: no one of that login name or phone number serves in your unit."
                    )
                    % {"who": word[:40]}
                )
            found.append(user)
        return found

    def recipients(self) -> Recipients:
        data = self.cleaned_data
        return Recipients(
            units=list(data.get("units") or []),
            level=data.get("level"),
            people=list(data.get("people") or []),
        )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("document", "Kind"), choices=Kind.choices)
    issuer_code = forms.CharField(
        label=_("Issuer's abbreviation"),
        max_length=20,
        help_text=_("As in the symbol: 15/KH-HLHPN. An official letter carries only this."),
    )
    summary = forms.CharField(
        label=pgettext_lazy("document", "Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Content (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    issued_on = date_field(pgettext_lazy("document", "Date"), required=True)
    signer_name = forms.CharField(label=_("Signed by"), max_length=150)
    signer_position = forms.CharField(label=_("Position"), max_length=150)
    deadline = date_field(_("Deadline"))
    report_required = forms.BooleanField(label=_("The recipients must report back"), required=False)
    public = forms.BooleanField(label=_("Show on the unit's public page"), required=False)
    attachments = FilesField(label=_("Attachments (PDF, Word, Excel, pictures)"))


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("What your unit has done"), widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = FilesField(label=_("Attachments (PDF, Word, Excel, pictures)"))


class RegisterForm(forms.Form):
    DIRECTIONS = [
        ("in", pgettext_lazy("register", "Documents received")),
        ("out", pgettext_lazy("register", "Documents sent")),
    ]
    direction = forms.ChoiceField(label=_("Register"), choices=DIRECTIONS, required=False)
    q = forms.CharField(label=_("Number or words"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=pgettext_lazy("document", "Kind"),
        choices=[("", _("All kinds")), *Kind.choices],
        required=False,
    )
    issuer = forms.CharField(label=_("Issued by"), required=False, max_length=100)
    start = date_field(pgettext_lazy("date range", "From"))
    end = date_field(pgettext_lazy("date range", "To"))
