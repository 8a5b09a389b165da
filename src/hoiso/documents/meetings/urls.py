from django.urls import path

from hoiso.documents.meetings import calendar, views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/", views.meeting_file, name="file"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
]

# A person's own calendar, outside any unit; the feed is read by calendar apps with its token.
calendar_urlpatterns = [
    path("", calendar.mine, name="mine"),
    path("subscribe/", calendar.subscribe, name="subscribe"),
    path("feed/<str:token>.ics", calendar.feed, name="feed"),
    path("<int:pk>.ics", calendar.meeting_ics, name="ics"),
    path("<int:pk>/answer/", calendar.answer, name="answer"),
    path("<int:pk>/join/", calendar.join, name="join"),
]
