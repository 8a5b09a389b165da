from django.urls import path

from hoiso.ratings import views

app_name = "ratings"
urlpatterns = [
    path("", views.board, name="list"),
    path("export/", views.export, name="export"),
    path("history/", views.history, name="history"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/copy/", views.scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/criteria/new/", views.criterion_new, name="criterion_new"),
    path("schemes/<int:pk>/criteria/<int:cid>/", views.criterion_edit, name="criterion_edit"),
    path(
        "schemes/<int:pk>/criteria/<int:cid>/delete/",
        views.criterion_delete,
        name="criterion_delete",
    ),
    path("<int:pk>/", views.assessment, name="assessment"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/files/<int:fid>/", views.evidence_file, name="evidence"),
    path("<int:pk>/files/<int:fid>/remove/", views.evidence_remove, name="evidence_remove"),
]
