"""The front door: where a user lands after logging in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hoiso.accounts.access import my_units


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One unit: go straight to it. Several: let the user choose. None: say so."""
    units = my_units(request)
    if not units and hasattr(request.user, "member"):
        return redirect("me:home")
    if len(units) == 1:
        return redirect("units:home", unit_code=units[0].unit.code)
    return render(request, "pages/home.html")
