"""The contests' pages: the organiser's under /u/<unit code>/contests/ ("contests" namespace), the
public ones under /cuoc-thi/ ("contest" namespace: the contest's page, its results, the vote), a
judge's under /cham-thi/ ("judge") and a member's under /me/contests/ ("my_contests")."""

from django.urls import URLPattern, path

from hoiso.contests import public, views

app_name = "contests"
urlpatterns = [
    path("", views.contest_list, name="list"),
    path("new/", views.contest_new, name="new"),
    path("<int:pk>/", views.contest_detail, name="detail"),
    path("<int:pk>/edit/", views.contest_edit, name="edit"),
    path("<int:pk>/prizes/", views.prize_add, name="prize_add"),
    path("<int:pk>/prizes/<int:prize>/remove/", views.prize_remove, name="prize_remove"),
    path("<int:pk>/judges/", views.judge_add, name="judge_add"),
    path("<int:pk>/judges/<int:judge>/remove/", views.judge_remove, name="judge_remove"),
    path("<int:pk>/criteria/", views.criterion_add, name="criterion_add"),
    path(
        "<int:pk>/criteria/<int:criterion>/remove/",
        views.criterion_remove,
        name="criterion_remove",
    ),
    path("<int:pk>/entries/", views.entries, name="entries"),
    path("<int:pk>/entries/<int:entry>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/photos/<int:image>/", views.entry_photo, name="photo"),
    path("<int:pk>/results/", views.contest_results, name="results"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/entries/<int:entry>/certificate.pdf", views.certificate, name="certificate"),
    path("<int:pk>/enter/", views.enter, name="enter"),
]
# Public pages, mounted at /cuoc-thi/ in the "contest" namespace.
public_urlpatterns: list[URLPattern] = [
    path("<slug:slug>/", public.contest_page, name="page"),
    path("<slug:slug>/ket-qua/", public.contest_results, name="results"),
    path("<slug:slug>/anh/<int:image>/", public.photo, name="photo"),
]
# A judge's own pages, mounted at /cham-thi/ in the "judge" namespace.
judge_urlpatterns: list[URLPattern] = [
    path("", public.judging_list, name="list"),
    path("<int:pk>/", public.judging, name="contest"),
    path("<int:pk>/<int:entry>/", public.score, name="score"),
]
# A member's own, mounted at /me/contests/ in the "my_contests" namespace.
member_urlpatterns: list[URLPattern] = [
    path("", public.my_contests, name="list"),
    path("<int:pk>/enter/", public.my_entry, name="enter"),
]
