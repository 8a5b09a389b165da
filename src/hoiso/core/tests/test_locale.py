"""Vietnamese first: the browser's language does not switch the interface, the button does."""

from django.conf import settings


def test_it_answers_in_vietnamese_to_an_english_browser(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.text


def test_it_answers_in_english_once_english_is_chosen(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "en"
    assert "Log in" in response.text


def test_it_ignores_a_language_cookie_it_does_not_offer(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/accounts/login/")["Content-Language"] == "vi"
