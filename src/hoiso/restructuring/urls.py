from django.urls import path

from hoiso.restructuring import views

# Mounted under /u/<unit code>/restructure/.
app_name = "restructuring"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/<str:kind>/", views.operation, name="operation"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/undo/", views.undo, name="undo"),
    path("<int:pk>/end/<int:assignment_pk>/", views.end_assignment, name="end_assignment"),
]
