from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from hoiso.accounts.urls import people_urlpatterns
from hoiso.accounts.views import audit_log
from hoiso.api import api
from hoiso.comms.urls import public_urlpatterns
from hoiso.contests.urls import judge_urlpatterns, member_urlpatterns
from hoiso.contests.urls import public_urlpatterns as public_contests
from hoiso.contests.vote_urls import (
    organiser_vote_urlpatterns,
    public_vote_urlpatterns,
    root_vote_urlpatterns,
)
from hoiso.core.views import healthz
from hoiso.documents.meetings.urls import calendar_urlpatterns
from hoiso.documents.urls import public_urlpatterns as public_documents
from hoiso.members.urls import me_urlpatterns
from hoiso.notifications.urls import open_urlpatterns as notification_urlpatterns
from hoiso.notifications.views import my_messages
from hoiso.pages.me import member_home
from hoiso.pages.views import home
from hoiso.voices.urls import (
    my_voices_urlpatterns,
    open_voices_urlpatterns,
    survey_answer_urlpatterns,
)

unit_patterns: list[URLPattern | URLResolver] = [
    path("", include("hoiso.pages.urls")),
    path("people/", include((people_urlpatterns, "people"))),
    path("audit/", audit_log, name="audit"),
    path("members/", include("hoiso.members.urls")),
    path("", include("hoiso.activities.urls")),
    path("", include("hoiso.comms.urls")),
    path("targets/", include("hoiso.targets.urls")),
    path("reports/", include("hoiso.reports.urls")),
    path("ratings/", include("hoiso.ratings.urls")),
    path("notices/", include("hoiso.notifications.urls")),
    path("restructure/", include("hoiso.restructuring.urls")),
    path("documents/", include("hoiso.documents.urls")),
    path("meetings/", include("hoiso.documents.meetings.urls")),
    path("voices/", include("hoiso.voices.urls")),
    path("contests/<int:pk>/votes/", include((organiser_vote_urlpatterns, "contest_votes"))),
    path("contests/", include("hoiso.contests.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("hoiso.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("u/<str:unit_code>/", include(unit_patterns)),
    path("me/", include(([path("", member_home, name="home"), *me_urlpatterns], "me"))),
    path("me/messages/", my_messages, name="my_messages"),
    path("me/voices/", include((my_voices_urlpatterns, "my_voices"))),
    path("me/contests/", include((member_urlpatterns, "my_contests"))),
    path("cuoc-thi/", include((public_contests, "contest"))),
    path("cham-thi/", include((judge_urlpatterns, "judge"))),
    path("khao-sat/<int:pk>/", include((survey_answer_urlpatterns, "survey"))),
    path("y-kien/<str:unit_code>/", include((open_voices_urlpatterns, "open_voices"))),
    path("calendar/", include((calendar_urlpatterns, "calendar"))),
    path("notifications/", include((notification_urlpatterns, "notify"))),
    path("p/<str:unit_code>/", include((public_urlpatterns, "public"))),
    path("p/<str:unit_code>/documents/", include((public_documents, "public_documents"))),
    path("api/v1/", api.urls),
    path("cuoc-thi/<slug:slug>/", include((public_vote_urlpatterns, "contest_vote"))),
    path("", include((root_vote_urlpatterns, "vote"))),
]
