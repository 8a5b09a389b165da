from django.urls import path

from hoiso.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("forms/new/", views.form_new, name="form_new"),
    path("forms/<int:pk>/", views.form_detail, name="form"),
    path("forms/<int:pk>/figures/<int:item_pk>/remove/", views.item_remove, name="item_remove"),
    path("<int:form_pk>/grid/", views.grid, name="grid"),
    path("<int:form_pk>/<str:key>/", views.report, name="report"),
    path("<int:form_pk>/<str:key>/return/", views.report_return, name="return"),
    path("<int:form_pk>/<str:key>/approve/", views.report_approve, name="approve"),
    path("<int:form_pk>/<str:key>/unapprove/", views.report_unapprove, name="unapprove"),
    path("<int:form_pk>/<str:key>/total/", views.consolidated, name="consolidated"),
    path("<int:form_pk>/<str:key>/total.xlsx", views.consolidated_xlsx, name="consolidated_xlsx"),
    path("<int:form_pk>/<str:key>/total.pdf", views.consolidated_pdf, name="consolidated_pdf"),
    path("<int:form_pk>/<str:key>/total/send/", views.send, name="send"),
    path("<int:form_pk>/<str:key>/total/<slug:item_key>/", views.figure, name="figure"),
]
