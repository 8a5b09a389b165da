"""Who sees a channel: closed Zalo groups and cadres' groups stay off the public pages."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from hoiso.comms.models import Channel, ChannelKind, Visibility, default_visibility
from hoiso.comms.services import channel_update
from hoiso.comms.tests.factories import make_channel

pytestmark = pytest.mark.django_db

ZALO = "https://zalo.me/g/eakar123"
CADRES_FB = "https://facebook.com/groups/canbohoieakar"


@pytest.fixture
def channels(cast):
    """Commune A's fanpage, its members' Zalo group, its cadres' Facebook group, a branch's Zalo
    group opened to the public by its cadre, and a fanpage kept for members."""
    return {
        "page": make_channel(cast.commune_a, url="https://facebook.com/hoiphunuxaeakar"),
        "zalo": make_channel(cast.commune_a, ChannelKind.ZALO_GROUP, ZALO, name="Hội viên Ea Kar"),
        "cadres": make_channel(
            cast.commune_a, ChannelKind.FACEBOOK_GROUP, CADRES_FB, name="Cán bộ Hội xã Ea Kar"
        ),
        "open_zalo": make_channel(
            cast.branch_a1,
            ChannelKind.ZALO_GROUP,
            "https://zalo.me/g/thon1open",
            name="Zalo Thôn 1",
            visibility=Visibility.PUBLIC,
        ),
        "quiet_page": make_channel(
            cast.commune_a,
            url="https://facebook.com/hoiphunuthon9",
            name="Trang nội bộ",
            visibility=Visibility.MEMBERS,
        ),
    }


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        (ChannelKind.ZALO_GROUP, "Hội viên chi hội Thôn 1", Visibility.MEMBERS),
        (ChannelKind.FACEBOOK_GROUP, "Nhóm CÁN BỘ Hội LHPN xã", Visibility.MEMBERS),
        (ChannelKind.FACEBOOK_GROUP, "Phụ nữ khởi nghiệp Ea Kar", Visibility.PUBLIC),
        (ChannelKind.FACEBOOK_PAGE, "Hội LHPN xã Ea Kar", Visibility.PUBLIC),
        (ChannelKind.ZALO_OA, "Zalo OA Hội LHPN tỉnh", Visibility.PUBLIC),
        (ChannelKind.WEBSITE, "Cổng thông tin", Visibility.PUBLIC),
    ],
)
def test_zalo_groups_and_cadres_groups_are_members_only_by_default(kind, name, expected):
    assert default_visibility(kind, name) == expected


def test_a_channel_takes_its_kinds_default_unless_the_cadre_chooses(channels):
    got = {k: c.visibility for k, c in channels.items()}
    assert got == {
        "page": Visibility.PUBLIC,
        "zalo": Visibility.MEMBERS,
        "cadres": Visibility.MEMBERS,
        "open_zalo": Visibility.PUBLIC,
        "quiet_page": Visibility.MEMBERS,
    }


def test_the_public_pages_never_show_a_members_only_channel(cast, channels):
    client = cast.client(None)
    for unit in (cast.province, cast.commune_a):
        html = client.get(reverse("public:channels", args=[unit.code])).content.decode()
        assert ZALO not in html and CADRES_FB not in html and "hoiphunuthon9" not in html
        assert "hoiphunuxaeakar" in html and "thon1open" in html
    news = client.get(reverse("public:news", args=[cast.commune_a.code])).content.decode()
    assert "hoiphunuxaeakar" in news
    assert ZALO not in news and CADRES_FB not in news and "hoiphunuthon9" not in news


def test_a_channel_made_members_only_leaves_the_public_page(cast, channels):
    channel_update(actor=None, channel=channels["page"], data={"visibility": Visibility.MEMBERS})
    html = cast.client(None).get(reverse("public:channels", args=[cast.commune_a.code]))
    assert "hoiphunuxaeakar" not in html.content.decode()


def test_the_form_lets_a_cadre_choose_and_the_list_shows_it(cast):
    client = cast.client(cast.hoa)
    new = reverse("comms:channel_new", args=[cast.commune_a.code])
    form = client.get(new).content.decode()
    assert "Theo loại kênh" in form and "Chỉ hội viên" in form
    base = {"unit": cast.commune_a.pk, "kind": ChannelKind.ZALO_GROUP}
    client.post(new, {**base, "name": "Zalo hội viên", "url": ZALO, "visibility": ""})
    client.post(
        new,
        {**base, "name": "Zalo mở", "url": "https://zalo.me/g/mo1", "visibility": "public"},
    )
    assert dict(Channel.objects.values_list("name", "visibility")) == {
        "Zalo hội viên": Visibility.MEMBERS,
        "Zalo mở": Visibility.PUBLIC,
    }
    closed = Channel.objects.get(name="Zalo hội viên")
    edit = reverse("comms:channel_edit", args=[cast.commune_a.code, closed.pk])
    assert "Theo loại kênh" not in client.get(edit).content.decode()
    listing = client.get(reverse("comms:channels", args=[cast.commune_a.code])).content.decode()
    assert listing.count('class="visibility-members">Chỉ hội viên<') == 1
    assert listing.count('class="visibility-public">Công khai<') == 1


def test_an_unknown_visibility_is_refused_with_what_to_choose(cast, channels):
    with pytest.raises(ValidationError, match="Vui lòng chọn ai được xem kênh: công khai"):
        channel_update(actor=None, channel=channels["page"], data={"visibility": "friends"})


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_zalo_and_cadres_groups_for_members(cast):
    before, after = ("comms", "0002_post_date_index"), ("comms", "0003_channel_visibility")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps.get_model("comms", "Channel")
        unit = cast.commune_a
        for kind, name in [
            ("facebook_page", "Hội LHPN xã Ea Kar"),
            ("zalo_group", "Hội viên Thôn 1"),
            ("facebook_group", "Nhóm Cán bộ Hội xã"),
            ("facebook_group", "Phụ nữ khởi nghiệp"),
            ("tiktok", "Phụ nữ Ea Kar"),
        ]:
            old.objects.create(
                unit_id=unit.pk,
                province_id=cast.province.pk,
                unit_path=unit.path,
                kind=kind,
                name=name,
                url=f"https://example.vn/{len(name)}",
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(Channel.objects.values_list("name", "visibility")) == {
        "Hội LHPN xã Ea Kar": "public",
        "Hội viên Thôn 1": "members",
        "Nhóm Cán bộ Hội xã": "members",
        "Phụ nữ khởi nghiệp": "public",
        "Phụ nữ Ea Kar": "public",
    }
