from django.urls import path

from hoiso.documents import public, views

app_name = "documents"
urlpatterns = [
    path("", views.inbox_list, name="inbox"),
    path("register/", views.register_list, name="register"),
    path("register.xlsx", views.register_export, name="register_export"),
    path("new/", views.document_new, name="new"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/", views.attachment_file, name="file"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/tracking/", views.tracking, name="tracking"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/forward/", views.forward, name="forward"),
]

public_urlpatterns = [
    path("", public.documents, name="list"),
    path("<int:pk>/files/<int:file_pk>/", public.document_file, name="file"),
]
