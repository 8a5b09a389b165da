from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from hoiso.accounts.urls import people_urlpatterns
from hoiso.api import api
from hoiso.comms.urls import public_urlpatterns
from hoiso.core import views as core_views
from hoiso.members.urls import me_urlpatterns

unit_patterns: list[URLPattern | URLResolver] = [
    path("", include("hoiso.units.urls")),
    path("people/", include((people_urlpatterns, "people"))),
    path("audit/", core_views.audit_log, name="audit"),
    path("members/", include("hoiso.members.urls")),
    path("", include("hoiso.activities.urls")),
    path("", include("hoiso.comms.urls")),
    path("targets/", include("hoiso.targets.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("hoiso.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("u/<str:unit_code>/", include(unit_patterns)),
    path("me/", include((me_urlpatterns, "me"))),
    path("p/<str:unit_code>/", include((public_urlpatterns, "public"))),
    path("api/v1/", api.urls),
]
