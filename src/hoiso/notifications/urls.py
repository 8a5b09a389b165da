from django.urls import path

from hoiso.notifications import views, webhooks

app_name = "notifications"
urlpatterns = [
    path("", views.notices, name="notices"),
    path("new/", views.notice_new, name="notice_new"),
    path("<int:pk>/", views.notice_detail, name="notice"),
    path("outbox/", views.outbox, name="outbox"),
    path("zalo/", views.inbox, name="inbox"),
]

# Outside any unit: a person's own preferences, and what the providers call.
open_urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("zalo/webhook/", webhooks.zalo_webhook, name="zalo_webhook"),
    path("esms/<str:token>/", webhooks.esms_report, name="esms_report"),
]
