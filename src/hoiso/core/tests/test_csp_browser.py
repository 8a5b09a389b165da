"""In a real browser: the main pages run under the Content-Security-Policy without one violation,
and the behaviours moved out of inline handlers still work (issue 10.11)."""

from __future__ import annotations

import pytest

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import Role
from hoiso.conftest import log_in, make_member
from hoiso.targets.tests.factories import make_target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_main_pages_break_no_rule_of_the_policy(cast, live_server, chromium):  # type: ignore[no-untyped-def]
    binh = make_member(cast.branch_a1, "Nguyễn Thị Bình")
    make_target(cast.commune_a)
    base, a = live_server.url, cast.commune_a.code
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{base}/accounts/login/")
    log_in(page, base, "hoa")
    pages = [f"/u/{a}/", f"/u/{a}/members/", f"/u/{a}/members/{binh.pk}/",
             f"/u/{a}/members/import/", f"/u/{a}/targets/", f"/u/{a}/activities/",
             f"/u/{a}/people/", f"/u/{cast.branch_a1.code}/branch-life/dues/"]  # fmt: skip
    for url in pages:
        response = page.goto(base + url)
        assert response is not None and response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    # htmx runs under the policy: typing in the search swaps the rows in.
    page.goto(f"{base}/u/{a}/members/")
    page.fill("input[name=q]", "binh")
    page.locator("#results").get_by_text("Nguyễn Thị Bình").wait_for()
    assert violations == []

    # A confirmation, now from site.js: dismissed, the role stays.
    vy = Assignment.objects.get(user=cast.vy, role=Role.VIEWER)
    page.goto(f"{base}/u/{a}/people/")
    page.once("dialog", lambda d: d.dismiss())
    page.locator(f"form[action$='/people/{vy.pk}/revoke/'] button").click()
    page.wait_for_timeout(300)
    assert Assignment.objects.filter(pk=vy.pk).exists()
    page.once("dialog", lambda d: d.accept())
    page.locator(f"form[action$='/people/{vy.pk}/revoke/'] button").click()
    page.wait_for_load_state()
    page.wait_for_url(f"**/u/{a}/people/")
    assert not Assignment.objects.filter(pk=vy.pk).exists()
    assert violations == []
    context.close()
