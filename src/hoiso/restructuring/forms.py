"""The forms of the operations: each turns what the admin chose into the planner's request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.core.forms import date_field
from hoiso.core.text import sort_key
from hoiso.members.choices import Status
from hoiso.members.models import Member
from hoiso.units.models import Level, Unit, today

ON_LABEL = _("Effective date")
ON_MISSING = _("Please enter the date from which the change holds.")


def _choices(units: list[Unit]) -> list[tuple[int, str]]:
    return [(u.pk, u.name) for u in sorted(units, key=lambda u: sort_key(u.name))]


def open_children(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=unit, valid_to__isnull=True))


class OperationForm(forms.Form):
    on = date_field(ON_LABEL, required=True, missing=ON_MISSING)

    def __init__(self, unit: Unit, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", today())
        super().__init__(*args, **kwargs)
        self.page_unit = unit
        self.children = open_children(unit)

    def request(self) -> dict[str, Any]:
        """The planner's request (JSON): unit ids, names, the date."""
        data = dict(self.cleaned_data)
        data["on"] = data["on"].isoformat()
        return data


class MergeForm(OperationForm):
    units = forms.TypedMultipleChoiceField(
        label=_("Units to merge"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least two units to merge.")},
    )
    keep = forms.TypedChoiceField(
        label=_("The merged unit"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("One of them continues (its code and history stay), or a new unit opens."),
    )
    name = forms.CharField(
        label=_("Name of the merged unit"),
        max_length=200,
        required=False,
        help_text=_("Needed for a new unit; for a continuing one, only to rename it."),
    )
    field_order = ["units", "keep", "name", "on"]

    def __init__(self, unit: Unit, *args: Any, **kwargs: Any) -> None:
        super().__init__(unit, *args, **kwargs)
        choices = _choices(self.children)
        self.fields["units"].choices = choices  # type: ignore[attr-defined]
        self.fields["keep"].choices = [("", _("A new unit")), *choices]  # type: ignore[attr-defined]


class SplitForm(OperationForm):
    """Split one child unit: each of its branches (or, for a branch, each member) goes to a part."""

    name_1 = forms.CharField(label=_("Name of the new unit"), max_length=200)
    name_2 = forms.CharField(
        label=_("Name of a second new unit (if any)"), max_length=200, required=False
    )

    def __init__(self, unit: Unit, split: Unit, *args: Any, **kwargs: Any) -> None:
        super().__init__(unit, *args, **kwargs)
        self.split_unit = split
        data = self.data if self.is_bound else {}
        parts = [
            (0, split.name),
            (1, data.get("name_1") or _("New unit 1")),
            (2, data.get("name_2") or _("New unit 2")),
        ]
        self.items: list[tuple[str, str]] = []
        if split.level == Level.BRANCH:
            members = Member.objects.filter(branch=split, status=Status.ACTIVE).order_by("sort_key")
            rows = [(f"member_{m.pk}", m.full_name) for m in members.only("full_name")]
        else:
            rows = [
                (f"child_{c.pk}", c.name)
                for c in sorted(open_children(split), key=lambda u: sort_key(u.name))
            ]
        for key, label in rows:
            self.fields[key] = forms.TypedChoiceField(
                label=label, choices=parts, coerce=int, initial=0
            )
            self.items.append((key, label))

    @property
    def part_fields(self) -> list[forms.BoundField]:
        return [self[key] for key, _label in self.items]

    def request(self) -> dict[str, Any]:
        data = self.cleaned_data
        given = {k: v for k, v in data.items() if k.startswith(("member_", "child_")) and v}
        names = [data["name_1"]] + ([data["name_2"]] if data.get("name_2") else [])
        return {
            "unit": self.split_unit.pk,
            "on": data["on"].isoformat(),
            "names": names,
            "children": {
                k.removeprefix("child_"): v for k, v in given.items() if k.startswith("child_")
            },
            "members": {
                k.removeprefix("member_"): v for k, v in given.items() if k.startswith("member_")
            },
        }


class MoveForm(OperationForm):
    unit = forms.TypedChoiceField(label=_("Unit to move"), coerce=int)
    to = forms.TypedChoiceField(label=_("Move it under"), coerce=int)
    field_order = ["unit", "to", "on"]

    def __init__(self, unit: Unit, *args: Any, **kwargs: Any) -> None:
        super().__init__(unit, *args, **kwargs)
        self.fields["unit"].choices = _choices(self.children)  # type: ignore[attr-defined]
        province = unit.province() or unit
        deepest = max((c.level for c in self.children), default=unit.level + 1)
        places = Unit.objects.within(province).filter(valid_to__isnull=True, level__lt=deepest)
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            (u.pk, f"{u.name} ({u.get_level_display()})") for u in places.order_by("level", "path")
        ]


class RenameForm(OperationForm):
    unit = forms.TypedChoiceField(label=_("Unit to rename"), coerce=int)
    name = forms.CharField(label=_("New name"), max_length=200)
    field_order = ["unit", "name", "on"]

    def __init__(self, unit: Unit, *args: Any, **kwargs: Any) -> None:
        super().__init__(unit, *args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.name), *_choices(self.children)]  # type: ignore[attr-defined]


class DissolveForm(OperationForm):
    def request(self) -> dict[str, Any]:
        return {"on": self.cleaned_data["on"].isoformat(), "level": Level.DISTRICT}


class SplitChoiceForm(forms.Form):
    """The first step of a split: which unit."""

    split = forms.TypedChoiceField(label=_("Unit to split"), coerce=int)

    def __init__(self, unit: Unit, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["split"].choices = _choices(open_children(unit))  # type: ignore[attr-defined]
