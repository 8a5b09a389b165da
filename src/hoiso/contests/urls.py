"""The contests' pages: the organiser's under /u/<unit code>/contests/ ("contests" namespace), the
public ones under /cuoc-thi/ ("contest" namespace: the contest's page, its results, the vote)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "contests"
urlpatterns: list[URLPattern] = []
# Public pages, mounted at /cuoc-thi/ in the "contest" namespace.
public_urlpatterns: list[URLPattern] = []
