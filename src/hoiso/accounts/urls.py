from django.urls import path

from hoiso.accounts import views

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
    path("<int:pk>/full-time/", views.person_full_time, name="full_time"),
]
