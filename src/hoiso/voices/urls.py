from django.urls import path

from hoiso.voices import survey_views, views

app_name = "voices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.record, name="record"),
    path("settings/", views.voice_settings, name="settings"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/photo/", views.photo, name="photo"),
    path("surveys/", survey_views.survey_list, name="surveys"),
    path("surveys/new/", survey_views.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", survey_views.survey_detail, name="survey"),
    path("surveys/<int:pk>/open/", survey_views.survey_open, name="survey_open"),
    path("surveys/<int:pk>/export/", survey_views.survey_export, name="survey_export"),
    path(
        "surveys/<int:pk>/questions/<int:question>/remove/",
        survey_views.question_remove,
        name="question_remove",
    ),
]
# A member's own concerns, mounted at /me/voices/ in the "my_voices" namespace.
my_voices_urlpatterns = [
    path("", views.my_list, name="list"),
    path("new/", views.my_new, name="new"),
    path("<int:pk>/", views.my_detail, name="detail"),
]
# The link (and QR code) of a survey, where a member answers it: /khao-sat/<id>/.
survey_answer_urlpatterns = [path("", survey_views.answer, name="answer")]
# Where a unit takes anonymous concerns: /y-kien/<unit code>/ in the "open_voices" namespace.
open_voices_urlpatterns = [
    path("", views.open_new, name="new"),
    path("dien-thoai/", views.open_phone, name="phone"),
    path("tra-cuu/", views.open_check, name="check"),
]
