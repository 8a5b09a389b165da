"""Send someone whose password was chosen for her to choose her own before anything else."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if getattr(user, "must_change_password", False):
            allowed = (reverse("accounts:password"), reverse("accounts:logout"))
            if request.path not in allowed and not request.path.startswith(ALLOWED_PREFIXES):
                messages.info(request, _("Welcome! First choose your own password."))
                return redirect("accounts:password")
        return self.get_response(request)
