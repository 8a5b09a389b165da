"""The pages: the section on the unit page, a form to its preview, confirm, the record with the
people to review, undo; and who gets in (the province's admin)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import Role
from hoiso.conftest import Cast, make_member
from hoiso.core.models import AuditEvent
from hoiso.restructuring.models import Restructuring, State
from hoiso.units.models import Unit

ON = "2026-07-01"


def url(name: str, unit: Unit, **kwargs: object) -> str:
    return reverse(f"restructuring:{name}", kwargs={"unit_code": unit.code, **kwargs})


def test_the_unit_page_offers_the_section_to_the_provinces_admin_only(cast: Cast) -> None:
    merge = url("operation", cast.commune_a, kind="merge")
    page = cast.client(cast.lan).get(reverse("units:home", args=[cast.commune_a.code]))
    assert merge in page.content.decode()
    page = cast.client(cast.hoa).get(reverse("units:home", args=[cast.commune_a.code]))
    assert merge not in page.content.decode()
    # A branch has no such section, and its pages answer 404 even to the province's admin.
    page = cast.client(cast.lan).get(reverse("units:home", args=[cast.branch_a1.code]))
    assert "/restructure/" not in page.content.decode()
    assert cast.client(cast.lan).get(url("index", cast.branch_a1)).status_code == 404
    # A commune's own admin may not restructure, even at her commune.
    assert cast.client(cast.hoa).get(url("index", cast.commune_a)).status_code == 403


def test_the_province_previews_merges_reviews_and_undoes(cast: Cast) -> None:
    for i in range(3):
        make_member(cast.branch_b1, f"Lê Thị C{i}")
    client = cast.client(cast.lan)
    form = client.get(url("operation", cast.province, kind="merge"))
    assert form.status_code == 200 and "Xã Krông Pắc" in form.content.decode()

    data = {
        "units": [cast.commune_a.pk, cast.commune_b.pk],
        "keep": cast.commune_a.pk,
        "name": "",
        "on": ON,
    }
    response = client.post(url("operation", cast.province, kind="merge"), data)
    draft = Restructuring.objects.get()
    assert response.status_code == 302 and response["Location"] == url(
        "detail", cast.province, pk=draft.pk
    )
    preview = client.get(response["Location"]).content.decode()
    assert "Chi hội Thôn Tân Lập" in preview  # the branch that moves, with its 3 members
    assert "Lê Thị Thu" in preview  # her roles move to the surviving commune
    assert Unit.objects.get(pk=cast.commune_b.pk).valid_to is None  # nothing applied yet

    assert client.post(url("apply", cast.province, pk=draft.pk)).status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.APPLIED
    assert AuditEvent.objects.filter(action="restructuring.applied").exists()
    record = client.get(url("detail", cast.province, pk=draft.pk)).content.decode()
    thu_cadre = Assignment.objects.get(user=cast.thu, role=Role.CADRE)
    end = url("end_assignment", cast.province, pk=draft.pk, assignment_pk=thu_cadre.pk)
    assert end in record
    assert client.post(end).status_code == 302
    assert not Assignment.objects.filter(pk=thu_cadre.pk).exists()

    listing = client.get(url("index", cast.province)).content.decode()
    assert draft.summary in listing
    assert client.post(url("undo", cast.province, pk=draft.pk)).status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.UNDONE
    assert Unit.objects.get(pk=cast.commune_b.pk).valid_to is None


def test_a_form_error_names_what_to_fix(cast: Cast) -> None:
    client = cast.client(cast.lan)
    response = client.post(
        url("operation", cast.province, kind="merge"),
        {"units": [cast.commune_a.pk], "keep": "", "name": "", "on": ON},
    )
    assert response.status_code == 200
    assert "hai đơn vị" in response.content.decode()  # choose at least two units
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        url("operation", cast.province, kind="rename"),
        {"unit": cast.commune_b.pk, "name": "Xã Mới", "on": future},
    )
    assert "không sau hôm nay" in response.content.decode()
    assert not Restructuring.objects.exists()


def test_a_split_lets_the_admin_choose_each_branch_part(cast: Cast) -> None:
    client = cast.client(cast.lan)
    first = client.get(url("operation", cast.province, kind="split"))
    assert first.status_code == 200
    split = url("operation", cast.province, kind="split") + f"?split={cast.commune_a.pk}"
    page = client.get(split).content.decode()
    assert f'name="child_{cast.branch_a2.pk}"' in page
    data = {"name_1": "Xã Ea Sinh", "name_2": "", "on": ON, f"child_{cast.branch_a1.pk}": 0,
            f"child_{cast.branch_a2.pk}": 1}  # fmt: skip
    response = client.post(split, data)
    assert response.status_code == 302
    client.post(response["Location"] + "apply/")
    assert Unit.objects.get(pk=cast.branch_a2.pk).parent.name == "Xã Ea Sinh"  # type: ignore[union-attr]


def test_dissolving_is_offered_only_where_there_are_districts(cast: Cast) -> None:
    client = cast.client(cast.lan)
    assert client.get(url("operation", cast.province, kind="dissolve")).status_code == 404
    assert client.get(url("operation", cast.province, kind="nonsense")).status_code == 404


def test_the_people_of_a_moved_branch_are_listed_for_review(cast: Cast) -> None:
    client = cast.client(cast.lan)
    data = {"unit": cast.branch_a1.pk, "to": cast.commune_b.pk, "on": ON}
    response = client.post(url("operation", cast.commune_a, kind="move"), data)
    assert response.status_code == 302
    assert client.post(response["Location"] + "apply/").status_code == 302
    page = client.get(response["Location"]).content.decode()
    mai = Assignment.objects.get(user=cast.mai)
    end = url(
        "end_assignment", cast.commune_a, pk=Restructuring.objects.get().pk, assignment_pk=mai.pk
    )
    assert "Niê" in page and end in page
    # Her branch now lies in commune B, outside the page's commune: still the admin's to end.
    assert client.post(end).status_code == 302
    assert not Assignment.objects.filter(pk=mai.pk).exists()
    # A role the restructuring did not move is not reachable through it.
    other = Assignment.objects.get(user=cast.vy)
    assert client.post(url("end_assignment", cast.commune_a, pk=Restructuring.objects.get().pk,
                           assignment_pk=other.pk)).status_code == 404  # fmt: skip
    assert Unit.objects.get(pk=cast.branch_a1.pk).parent_id == cast.commune_b.pk
