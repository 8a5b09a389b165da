from django.urls import path

from hoiso.members import imports, inbox, me, province_imports, views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_new, name="new"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("import/", imports.import_new, name="import_new"),
    path("import/template/", imports.import_template, name="import_template"),
    path("import/province/", province_imports.province_new, name="province_import"),
    path("import/province/<uuid:batch>/", province_imports.province_batch, name="province_batch"),
    path(
        "import/province/<uuid:batch>/confirm/",
        province_imports.province_confirm,
        name="province_confirm",
    ),
    path("imports/<uuid:import_id>/", imports.import_detail, name="import"),
    path("imports/<uuid:import_id>/decide/", imports.import_decide, name="import_decide"),
    path("imports/<uuid:import_id>/file/", imports.import_replace, name="import_replace"),
    path("imports/<uuid:import_id>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<uuid:import_id>/cancel/", imports.import_cancel, name="import_cancel"),
    path("imports/<uuid:import_id>/errors/", imports.import_errors, name="import_errors"),
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
    path("contact/", me.me_contact, name="contact"),
    path("delete/", me.me_delete, name="delete"),
]
