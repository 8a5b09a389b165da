import datetime as dt

import pytest

from hoiso.comms.links import recognise, tiktok_date


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.facebook.com/hoiphunuxaeakar/posts/pfbid02abc", "facebook:hoiphunuxaeakar"),
        ("https://m.facebook.com/HoiPhuNuXaEaKar?ref=share", "facebook:hoiphunuxaeakar"),
        ("facebook.com/hoiphunuxaeakar", "facebook:hoiphunuxaeakar"),
        ("https://www.facebook.com/permalink.php?story_fbid=123&id=1000777", "facebook:1000777"),
        ("https://www.facebook.com/groups/phunuthon3/posts/889", "facebook_group:phunuthon3"),
        ("https://www.facebook.com/share/p/1AbCdE/", ""),
        ("https://zalo.me/g/xyzabc123", "zalo_group:xyzabc123"),
        ("https://zalo.me/1234567890123", "zalo_oa:1234567890123"),
        (
            "https://www.tiktok.com/@hoiphunudaklak/video/7411111111111111111",
            "tiktok:@hoiphunudaklak",
        ),
        ("https://www.youtube.com/@HoiPhuNuDakLak/videos", "youtube:@hoiphunudaklak"),
        ("https://youtu.be/dQw4w9WgXcQ", ""),
        ("https://phunu.daklak.gov.vn/tin-tuc/2025/03/08/ky-niem.html", "web:phunu.daklak.gov.vn"),
        ("không phải đường dẫn", ""),
        ("", ""),
    ],
)
def test_it_recognises_the_channel_of_a_link(url, key):
    assert recognise(url).key == key


def test_it_reads_a_tiktok_videos_local_date_from_its_id():
    moment = dt.datetime(2025, 1, 31, 17, 30, tzinfo=dt.UTC)  # 00:30 on 1 February in Viet Nam
    video_id = str((int(moment.timestamp()) << 32) | 99)
    assert tiktok_date(video_id) == dt.date(2025, 2, 1)
    assert recognise(f"https://vt.tiktok.com/@a/video/{video_id}").published_on == dt.date(
        2025, 2, 1
    )
    assert tiktok_date("12345") is None


def test_it_reads_a_date_in_a_news_sites_path():
    info = recognise("https://phunu.daklak.gov.vn/tin-tuc/2025/03/08/ky-niem.html")
    assert info.published_on == dt.date(2025, 3, 8)
    assert recognise("https://phunu.daklak.gov.vn/2025/13/40/x").published_on is None
