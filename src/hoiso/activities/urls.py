from django.urls import path

from hoiso.activities import digital, training, views

app_name = "activities"
urlpatterns = [
    path("activities/", views.activity_list, name="list"),
    path("activities/new/", views.activity_new, name="new"),
    path("activities/<int:pk>/", views.activity_detail, name="detail"),
    path("activities/<int:pk>/photo/", views.activity_photo, name="photo"),
    path("activities/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("branch-life/", views.branch_life, name="branch_life"),
    path("branch-life/dues/", views.dues, name="dues"),
    path("branch-life/rules/", views.rules, name="rules"),
    path("training/", training.course_list, name="courses"),
    path("training/new/", training.course_new, name="course_new"),
    path("training/<int:pk>/", training.course_detail, name="course"),
    path(
        "training/<int:pk>/trainees/<int:trainee_pk>/",
        training.trainee_assess,
        name="trainee_assess",
    ),
    path(
        "training/<int:pk>/trainees/<int:trainee_pk>/certificate.pdf",
        training.certificate,
        name="certificate",
    ),
    path("training/cadres/", training.cadre_list, name="cadres"),
    path("training/cadres/<int:user_id>/", training.cadre_record, name="cadre"),
    path("digital/", digital.digital_home, name="digital"),
    path("digital/equipment/new/", digital.equipment_new, name="equipment_new"),
    path("digital/equipment/<int:pk>/", digital.equipment_edit, name="equipment_edit"),
    path("digital/requests/new/", digital.request_new, name="request_new"),
    path("digital/requests/<int:pk>/", digital.request_detail, name="request"),
    path("digital/requests/<int:pk>/decide/", digital.request_decide, name="request_decide"),
]
