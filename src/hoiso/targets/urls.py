from django.urls import path

from hoiso.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.target_new, name="new"),
    path("export/", views.export, name="export"),
    path("population/", views.population, name="population"),
    path("reminders/read/", views.notices_read, name="notices_read"),
    path("<int:pk>/", views.target_detail, name="detail"),
    path("<int:pk>/edit/", views.target_edit, name="edit"),
    path("<int:pk>/delete/", views.target_delete, name="delete"),
]
