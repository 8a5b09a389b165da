"""Response headers that protect what a signed-in person sees on a shared computer."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreWhenSignedInMiddleware:
    """Every response to a signed-in person (a page, an htmx fragment, a download, an API answer)
    is `Cache-Control: no-store, private`: on a commune office's shared PC, the next person
    must not find members' data in the browser's cache or its back button. Public pages, seen by
    no one signed in, keep the caching their views ask for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or "HTTP_AUTHORIZATION" in request.META:
            del response["Cache-Control"]  # what a view asked for (public, max-age) goes
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
