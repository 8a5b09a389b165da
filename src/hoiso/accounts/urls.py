from django.urls import path

from hoiso.accounts import bulk_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password"),
    path("tokens/", views.tokens, name="tokens"),
]
# A unit's people, mounted under /u/<unit code>/people/ in the "people" namespace.
people_urlpatterns = [
    path("", views.people, name="list"),
    path("new/", views.person_new, name="new"),
    path("assign/", views.person_assign, name="assign"),
    path("<int:pk>/revoke/", views.person_revoke, name="revoke"),
    path("bulk/", bulk_views.bulk_new, name="bulk"),
    path("bulk/<uuid:import_id>/", bulk_views.bulk_detail, name="bulk_detail"),
    path("bulk/<uuid:import_id>/confirm/", bulk_views.bulk_confirm, name="bulk_confirm"),
    path("bulk/<uuid:import_id>/slips.pdf", bulk_views.bulk_slips, name="bulk_slips"),
    path("<int:pk>/full-time/", views.person_full_time, name="full_time"),
]
