"""In a real browser at phone size: a commune cadre sees her commune, and only hers."""

import pytest

from hoiso.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_keeps_a_commune_cadre_inside_her_commune(cast, live_server, phone_page):
    page = phone_page
    log_in(page, live_server.url, "hoa")

    # She lands on her commune, which lists its branches and nothing of the province.
    assert page.url == f"{live_server.url}/u/{cast.commune_a.code}/"
    assert page.locator("h1").inner_text() == "Xã Ea Kar"
    crumbs = page.locator("nav.crumbs").inner_text()
    assert "Tỉnh Đắk Lắk" not in crumbs
    assert "Xã Krông Pắc" not in page.content()

    page.get_by_role("link", name="Chi hội Thôn 1").click()
    page.wait_for_url(f"{live_server.url}/u/{cast.branch_a1.code}/")
    assert page.locator("h1").inner_text() == "Chi hội Thôn 1"
    assert "Tổ phụ nữ số 1" in page.content()
    # The breadcrumbs lead back up to her commune.
    assert page.locator("nav.crumbs a").first.inner_text() == "Xã Ea Kar"

    response = page.goto(f"{live_server.url}/u/{cast.commune_b.code}/")
    assert response is not None and response.status == 404
    assert "Xã Krông Pắc" not in page.content()

    # The page fits a 360 px screen: nothing scrolls sideways.
    page.goto(f"{live_server.url}/u/{cast.commune_a.code}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
