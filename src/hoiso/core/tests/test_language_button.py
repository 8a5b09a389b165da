"""The language button says what it does and keeps a cadre from switching by accident.

In Vietnamese the switch to English sits at the foot of the page, is labelled "English" and asks
before switching; in English the way back ("Tiếng Việt") is at the top and asks nothing.
"""

import re

import pytest
from django.conf import settings

from hoiso.conftest import log_in

LOGIN = "/accounts/login/"


def _switch_forms(html: str) -> list[str]:
    return re.findall(r'<form[^>]*action="/i18n/setlang/"[^>]*>.*?</form>', html, re.S)


def test_in_vietnamese_the_switch_is_at_the_foot_says_english_and_asks_first(client, db):
    html = client.get(LOGIN).text
    (form,) = _switch_forms(html)
    assert 'data-confirm="Chuyển giao diện sang tiếng Anh (English)?"' in form
    assert re.search(r'<button[^>]*value="en"[^>]*>English</button>', form)
    # Below the page's own content, not in the header beside the menus.
    assert html.index(form) > html.index("</main>")
    assert ">EN<" not in html and "{#" not in html


def test_in_english_the_way_back_is_at_the_top_and_asks_nothing(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(LOGIN).text
    (form,) = _switch_forms(html)
    assert "data-confirm" not in form
    assert re.search(r'<button[^>]*value="vi"[^>]*>Tiếng Việt</button>', form)
    assert html.index(form) < html.index("<main>")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_mistaken_tap_on_english_changes_nothing(cast, live_server, phone_page):
    page = phone_page
    log_in(page, live_server.url, "hoa")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**")
    page.get_by_role("button", name="Tiếng Việt").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Tiếng Việt").click()
    page.get_by_role("button", name="English").wait_for()
    assert page.locator("html").get_attribute("lang") == "vi"
