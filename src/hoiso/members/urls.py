from django.urls import path

from hoiso.members import inbox, me, views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_new, name="new"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("export/", views.export_new, name="export_new"),
    path("exports/<uuid:export_id>/", views.export_detail, name="export"),
    path("exports/<uuid:export_id>/file/", views.export_file, name="export_file"),
    path("transfers/<int:pk>/accept/", inbox.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/refuse/", inbox.transfer_refuse, name="transfer_refuse"),
    path("transfers/<int:pk>/cancel/", inbox.transfer_cancel, name="transfer_cancel"),
    path("erasure/<int:pk>/", inbox.deletion_answer, name="deletion_answer"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/sensitive/", views.member_sensitive, name="sensitive"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/transfer/", views.member_transfer, name="transfer"),
    path("<int:pk>/remove/", views.member_remove, name="remove"),
    path("<int:pk>/restore/", views.member_restore, name="restore"),
    path("<int:pk>/account/", views.member_account, name="account"),
]

me_urlpatterns = [
    path("", me.me, name="home"),
    path("contact/", me.me_contact, name="contact"),
    path("delete/", me.me_delete, name="delete"),
]
