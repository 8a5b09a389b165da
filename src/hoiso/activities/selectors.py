"""One activity, course, trainee, cadre, equipment item or equipment request by id, each through
the scope.

Every `access_<thing>` is `accounts.access.access` over the queryset the caller may see: what lies
outside it and what does not exist both answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoiso.accounts.access import Scope, access
from hoiso.accounts.models import User
from hoiso.activities.choices import ActivityKind
from hoiso.activities.models import Activity, Course, Equipment, EquipmentRequest, Trainee


def access_activity(scope: Scope, pk: Any) -> Activity:
    """An activity recorded in the scope's subtree, or 404."""
    activities = Activity.objects.filter(unit_path__startswith=scope.unit.path)
    return access(activities.select_related("unit", "theme", "created_by"), pk, "activity")


def access_meeting(scope: Scope, pk: Any) -> Activity:
    """A branch meeting (where attendance is taken) in the scope's subtree, or 404."""
    meetings = Activity.objects.filter(
        unit_path__startswith=scope.unit.path, kind=ActivityKind.MEETING
    )
    return access(meetings.select_related("unit", "theme", "created_by"), pk, "meeting")


def courses_seen(scope: Scope) -> Q:
    """Courses organised in the scope's subtree, or attended by someone from it."""
    path = scope.unit.path
    return Q(organiser_path__startswith=path) | Q(trainees__unit_path__startswith=path)


def access_course(scope: Scope, pk: Any, *, organised: bool = False) -> Course:
    """A course the scope may see, or 404; `organised`: one it organised (to change it)."""
    where = Q(organiser_path__startswith=scope.unit.path) if organised else courses_seen(scope)
    courses = Course.objects.filter(where).select_related("organiser").distinct()
    return access(courses, pk, "course")


def access_trainee(scope: Scope, course: Course, pk: Any, *, completed: bool = False) -> Trainee:
    """A trainee of this course (itself fetched through `access_course`) whom the scope may see,
    or 404: any of a course organised in the scope's subtree, else only those from the subtree.
    `completed`: only one who completed it (for a certificate)."""
    trainees = course.trainees.select_related("unit")
    if not course.organiser_path.startswith(scope.unit.path):
        trainees = trainees.filter(unit_path__startswith=scope.unit.path)
    if completed:
        trainees = trainees.filter(completed=True)
    return access(trainees, pk, "trainee")


def access_cadre(scope: Scope, pk: Any) -> User:
    """A user who holds a role at the scope's unit itself (not below it), or 404."""
    return access(User.objects.filter(assignments__unit=scope.unit), pk, "cadre")


def access_equipment(scope: Scope, pk: Any) -> Equipment:
    """An item of the scope's unit's own equipment (not a sub-unit's), or 404."""
    return access(Equipment.objects.filter(unit=scope.unit), pk, "equipment")


def access_equipment_request(scope: Scope, pk: Any) -> EquipmentRequest:
    """A request sent from the scope's subtree or waiting at a unit in it, or 404."""
    path = scope.unit.path
    requests = EquipmentRequest.objects.filter(
        Q(unit_path__startswith=path) | Q(at_path__startswith=path)
    )
    return access(requests.select_related("unit", "at_unit"), pk, "equipment request")
