from django.urls import path

from hoiso.pages import setup
from hoiso.pages import units as views

# The unit pages keep their "units" namespace: every template links them as `units:…`.
app_name = "units"
urlpatterns = [
    path("", views.unit_home, name="home"),
    path("add/", views.unit_add, name="add"),
    path("edit/", views.unit_edit, name="edit"),
    path("close/", views.unit_close, name="close"),
    path("successor/", views.successor_confirm, name="successor"),
    path("setup/", setup.setup_page, name="setup"),
    path("setup/remind/", setup.setup_remind, name="setup_remind"),
]
