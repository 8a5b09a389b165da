from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import date_field, shown_errors
from hoiso.core.text import normalise_phone
from hoiso.members.choices import ETHNICITY_CHOICES, ConsentPurpose, Religion, RemovalReason
from hoiso.members.models import Member
from hoiso.members.selectors import AGE_BANDS, Filters
from hoiso.members.services import RECORD_FIELDS, SENSITIVE_FIELDS
from hoiso.units.forms import UnitChoiceField
from hoiso.units.models import Level, Unit


def _group_label(group: Unit) -> str:
    return f"{group.parent.name} › {group.name}" if group.parent else group.name


class MemberForm(forms.ModelForm):
    """The member record; sensitive fields are left out for roles that may not see them."""

    branch = UnitChoiceField(label=_("Branch"), queryset=Unit.objects.none())
    group = forms.ModelChoiceField(
        label=_("Women's group"), queryset=Unit.objects.none(), required=False
    )
    birth_date = date_field(_("Date of birth"))
    join_date = date_field(_("Joined on"))
    consent_date = date_field(_("Consent date"))
    # Wider than the stored 10 digits: people type spaces, dots and +84.
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    citizen_id = forms.CharField(
        label=_("Citizen ID number"),
        max_length=20,
        required=False,
        help_text=_("12 digits, on the chip-based citizen card (CCCD)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    consent_purposes = forms.MultipleChoiceField(
        label=_("Consent given for"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Member
        fields = RECORD_FIELDS
        help_texts = {
            "birth_year": _("Only when the full date of birth is not known."),
            "sex": _("Regular members are women; honorary members may be men."),
        }

    SECTIONS = [
        (_("Who she is"), ["full_name", "birth_date", "birth_year", "kind", "sex"]),
        (_("Where she belongs"), ["branch", "group", "join_date", "card_number"]),
        (_("Contact"), ["phone", "address", "village"]),
        (_("Sensitive data"), ["ethnicity", "religion", "citizen_id"]),
        (_("Education and work"), ["education", "occupation", "party_member", "household"]),
        (_("Digital access"), ["has_smartphone", "uses_zalo", "uses_facebook", "digital_skill"]),
        (_("Consent to data processing"), ["consent_purposes", "consent_date", "consent_method"]),
    ]

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields grouped as the page shows them (groups left empty are dropped)."""
        out = []
        for title, names in self.SECTIONS:
            fields = [self[n] for n in names if n in self.fields]
            if fields:
                out.append((title, fields))
        return out

    def __init__(
        self,
        *args: Any,
        unit: Unit,
        sensitive: bool,
        placing: bool = True,
        require_consent: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not sensitive:
            for name in SENSITIVE_FIELDS:
                del self.fields[name]
        if placing:
            branches = Unit.objects.within(unit).active().filter(level=Level.BRANCH)
            groups = Unit.objects.within(unit).active().filter(level=Level.GROUP)
            cast(forms.ModelChoiceField, self.fields["branch"]).queryset = branches.select_related(
                "parent"
            ).order_by("name")
            group_field = cast(forms.ModelChoiceField, self.fields["group"])
            group_field.queryset = groups.select_related("parent").order_by("path")
            group_field.label_from_instance = _group_label  # type: ignore[method-assign,assignment]
            if unit.level == Level.BRANCH:
                self.fields["branch"].initial = unit.pk
        else:
            del self.fields["branch"], self.fields["group"]
        self.fields["full_name"].widget.attrs.update(autocomplete="off", autofocus=True)
        if require_consent:
            self.fields["consent_purposes"].required = True
            self.fields["consent_date"].required = True
            self.fields["consent_method"].required = True

    def _update_errors(self, errors: ValidationError) -> None:
        """The record's rules may name a field this user's form leaves out (the citizen ID):
        say so without revealing it, instead of failing."""
        super()._update_errors(shown_errors(self, errors))  # type: ignore[misc]

    def validate_unique(self) -> None:
        """Left to the service, which knows the province and says who holds a number."""

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        if not raw.strip():
            return ""
        try:
            return normalise_phone(raw)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a phone number: enter 10 digits starting with 0."),
                params={"value": raw},
            ) from None

    def clean_citizen_id(self) -> str:
        return "".join(self.cleaned_data.get("citizen_id", "").split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        group = data.get("group")
        branch = data.get("branch")
        if group and branch and group.parent_id != branch.pk:
            self.add_error("group", _("This women's group is not in the chosen branch."))
        return data

    def record(self) -> dict[str, Any]:
        """The cleaned record fields (not placement)."""
        return {k: v for k, v in self.cleaned_data.items() if k in RECORD_FIELDS}


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("removed", _("Removed")), ("deceased", _("Deceased")),
                 ("all", _("All"))],
    )  # fmt: skip
    branch = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    age = forms.ChoiceField(
        label=_("Age"), required=False, choices=[("", _("Any age"))] + [(k, k) for k in AGE_BANDS]
    )
    digital = forms.ChoiceField(
        label=_("Digital access"),
        required=False,
        choices=[("", _("Any")), ("smartphone", _("Has a smartphone")), ("zalo", _("Uses Zalo")),
                 ("facebook", _("Uses Facebook")), ("none", _("None of these"))],
    )  # fmt: skip
    join_year = forms.IntegerField(
        label=_("Joined in"), required=False, min_value=1930, max_value=2100
    )
    ethnicity = forms.TypedChoiceField(
        label=_("Ethnicity"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *ETHNICITY_CHOICES],
    )
    religion = forms.TypedChoiceField(
        label=_("Religion"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *Religion.choices],
    )

    def __init__(self, *args: Any, unit: Unit, sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer the sub-units one level down that hold branches: communes in a province,
        # branches in a commune, none in a branch.
        below = Unit.objects.filter(parent=unit).active()
        if unit.level >= Level.BRANCH:
            del self.fields["branch"]
        else:
            cast(forms.ModelChoiceField, self.fields["branch"]).queryset = below.order_by("name")
        if not sensitive:
            del self.fields["ethnicity"], self.fields["religion"]

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "active"
        return Filters(
            status="" if status == "all" else status,
            branch=data.get("branch"),
            age=data.get("age", ""),
            ethnicity=data.get("ethnicity"),
            religion=data.get("religion"),
            digital=data.get("digital", ""),
            join_year=data.get("join_year"),
        )

    @property
    def uses_sensitive(self) -> bool:
        return self.is_valid() and (
            self.cleaned_data.get("ethnicity") is not None
            or self.cleaned_data.get("religion") is not None
        )


class TransferForm(forms.Form):
    to_unit = UnitChoiceField(label=_("To"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_unit"]).queryset = choices.select_related(
            "parent"
        )


class AcceptForm(forms.Form):
    to_branch = UnitChoiceField(label=_("Into branch"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branches = Unit.objects.within(unit).active().filter(level=Level.BRANCH)
        cast(forms.ModelChoiceField, self.fields["to_branch"]).queryset = branches.select_related(
            "parent"
        ).order_by("name")


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)


class RemoveForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RemovalReason.choices)
    on = date_field(_("Date"), required=True)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RestoreForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Into branch"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("Why she is restored"), max_length=300, required=False)

    def __init__(self, *args: Any, unit: Unit, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branches = Unit.objects.within(unit).active().filter(level=Level.BRANCH).order_by("name")
        field = cast(forms.ModelChoiceField, self.fields["branch"])
        field.queryset = branches
        if not member.branch.is_closed and unit.contains(member.branch):
            field.initial = member.branch_id


class ContactForm(forms.Form):
    phone = forms.CharField(label=_("Phone number"), max_length=20)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    village = forms.CharField(label=_("Village"), max_length=100, required=False)


class DeletionRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Anything you want the union to know (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerDeletionForm(forms.Form):
    erase = forms.BooleanField(label=_("Erase her personal data now"), required=False)
    answer = forms.CharField(label=_("Answer to the member"), max_length=500)
