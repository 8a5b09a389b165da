"""The province's set-up page: each commune's progress (a cadre who has logged in, branches,
members, a channel), the laggards first, sortable, and a reminder to the laggards' cadres."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hoiso.accounts.roles import Role
from hoiso.comms.tests.factories import make_channel
from hoiso.conftest import Cast, make_member, make_unit, make_user
from hoiso.core.models import AuditEvent
from hoiso.members.counting.stats import refresh_province
from hoiso.notifications.models import Message
from hoiso.units.models import Level


@pytest.fixture
def progress(cast: Cast) -> None:
    """Commune A is set up; Krông Pắc has a branch but no login, members or channel; Cư Huê has
    nothing, not even an account."""
    cast.hoa.last_login = timezone.now()
    cast.hoa.save()
    make_member(cast.branch_a1)
    make_channel(cast.commune_a)
    make_unit(cast.province, Level.COMMUNE, "24400", "Xã Cư Huê")
    refresh_province(cast.province)


def _order(page: str) -> list[str]:
    return re.findall(r'data-label="Xã, phường"><a href="[^"]+">([^<]+)</a>', page)


def test_the_laggards_come_first_and_each_step_is_shown(cast: Cast, progress: None) -> None:
    page = cast.client(cast.lan).get(reverse("units:setup", args=[cast.province.code]))
    text = page.content.decode()
    assert page.status_code == 200
    assert _order(text) == ["Xã Cư Huê", "Xã Krông Pắc", "Xã Ea Kar"]
    assert "1/3 xã đã có cán bộ đăng nhập" in text
    ea_kar = text.split(">Xã Ea Kar</a>")[1].split("</tr>")[0]
    assert "✓ 1/1" in ea_kar and "✓ 2" in ea_kar and "4/4" in ea_kar
    krong_pac = text.split(">Xã Krông Pắc</a>")[1].split("</tr>")[0]
    assert "✗ 0/1" in krong_pac and "✓ 1" in krong_pac and "1/4" in krong_pac
    # Sorted by name, or by members (fewest first).
    by_name = cast.client(cast.lan).get(reverse("units:setup", args=["66"]), {"sort": "name"})
    assert _order(by_name.content.decode()) == ["Xã Cư Huê", "Xã Ea Kar", "Xã Krông Pắc"]


def test_the_reminder_reaches_the_laggards_cadres_once(cast: Cast, progress: None) -> None:
    client = cast.client(cast.lan)
    url = reverse("units:setup_remind", args=[cast.province.code])
    assert client.post(url).status_code == 302
    # Thu (admin and cadre of Krông Pắc) once; Hoa's commune is set up; Cư Huê has no one.
    notices = list(Message.objects.filter(kind="reminder"))
    assert [(n.user, n.unit) for n in notices] == [(cast.thu, cast.commune_b)]
    assert "chưa có cán bộ nào đăng nhập" in notices[0].body
    assert "chưa nhập hội viên" in notices[0].body and "Tỉnh Đắk Lắk" in notices[0].body
    client.post(url)  # the first is still unread: not sent again
    assert Message.objects.filter(kind="reminder").count() == 1
    assert AuditEvent.objects.filter(action="units.setup_reminded").count() == 2
    home = cast.client(cast.thu).get(reverse("units:home", args=[cast.commune_b.code]))
    assert "chưa hoàn thành việc đưa lên Hội Số" in home.content.decode()


def test_only_the_ticked_communes_are_reminded(cast: Cast, progress: None) -> None:
    other = make_user("tu", "Lê Thị Tư", "0912000066", (cast.commune_a, Role.CADRE))
    cast.client(cast.lan).post(
        reverse("units:setup_remind", args=[cast.province.code]), {"commune": ["24373"]}
    )
    assert not Message.objects.filter(
        kind="reminder"
    ).exists()  # Ea Kar is set up: nothing to remind it of
    assert not Message.objects.filter(user=other).exists()


def test_a_commune_has_no_set_up_page(cast: Cast) -> None:
    response = cast.client(cast.hoa).get(reverse("units:setup", args=[cast.commune_a.code]))
    assert response.status_code == 404
