"""Headers for shared commune PCs: nothing a signed-in person saw is kept by the browser; the
Content-Security-Policy allows no inline script, and the templates carry none (issue 10.11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from hoiso.accounts.tokens import token_create
from hoiso.conftest import Cast, make_member


def _no_store(response) -> bool:  # type: ignore[no-untyped-def]
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


def test_every_signed_in_answer_is_kept_by_no_cache(cast: Cast) -> None:
    binh = make_member(cast.branch_a1, "Nguyễn Thị Bình", citizen_id="066185000123")
    client = cast.client(cast.hoa)
    a = cast.commune_a.code
    pages = [f"/u/{a}/", f"/u/{a}/members/", f"/u/{a}/members/{binh.pk}/",
             f"/u/{a}/members/import/template/", "/accounts/tokens/"]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))
    # An htmx fragment too (the list's rows swapped in as she types).
    fragment = client.get(f"/u/{a}/members/", {"q": "binh"}, headers={"HX-Request": "true"})
    assert _no_store(fragment)


def test_an_api_answer_is_kept_by_no_cache(cast: Cast) -> None:
    plain = token_create(user=cast.hoa, name="phone")[1]
    response = cast.client(None).get(
        "/api/v1/members", {"unit": cast.commune_a.code}, HTTP_AUTHORIZATION=f"Bearer {plain}"
    )
    assert response.status_code == 200 and _no_store(response)


def test_public_pages_keep_their_caching_for_the_public(cast: Cast) -> None:
    response = cast.client(None).get(f"/p/{cast.province.code}/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    # The same page to a signed-in cadre carries her menu: it is not kept either.
    assert _no_store(cast.client(cast.hoa).get(f"/p/{cast.province.code}/"))


def test_pages_carry_a_policy_without_inline_script(cast: Cast) -> None:
    for client in (cast.client(None), cast.client(cast.hoa)):
        policy = client.get("/accounts/login/")["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in directives["style-src"]
        assert directives["object-src"] == "'none'"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("kind", ["script", "handler"])
def test_no_template_holds_inline_script(kind: str) -> None:
    pattern = INLINE_SCRIPT if kind == "script" else HANDLER
    folders = [Path(d) for d in engines["django"].template_dirs]  # type: ignore[attr-defined]
    found = [
        f"{path}: {m.group(0)[:80]}"
        for folder in folders
        for path in folder.rglob("*.html")
        for m in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
