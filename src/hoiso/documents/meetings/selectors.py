"""Meetings through the scope, and a person's own meetings. A meeting is seen at a unit when the
unit (or one below it) called it or is invited, or when the user herself is invited by name; a
person's calendar holds the meetings she is invited to (by name or through a unit she serves)
and those her units called."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from hoiso.accounts.access import Scope, access
from hoiso.accounts.models import Assignment, User
from hoiso.documents.models import Attachment, Invitation, Meeting
from hoiso.documents.services import ANSWERING_ROLES


def meetings_of(scope: Scope) -> QuerySet[Meeting]:
    """The meetings seen at the scope's unit."""
    path = scope.unit.path
    invited = Invitation.objects.filter(Q(unit_path__startswith=path) | Q(user=scope.user))
    return Meeting.objects.filter(
        Q(unit_path__startswith=path) | Q(pk__in=invited.values("meeting_id"))
    )


def meetings_at(scope: Scope) -> QuerySet[Meeting]:
    """The unit's own list: meetings it called or is invited to, and hers by name."""
    invited = Invitation.objects.filter(Q(unit=scope.unit) | Q(user=scope.user))
    return Meeting.objects.filter(
        Q(unit=scope.unit) | Q(pk__in=invited.values("meeting_id"))
    ).select_related("unit")


def access_meeting(scope: Scope, pk: Any) -> Meeting:
    return access(meetings_of(scope).select_related("unit"), pk, "meeting")


def access_organised(scope: Scope, pk: Any) -> Meeting:
    """A meeting the scope's unit called: its host's pages (attendance, minutes)."""
    return access(Meeting.objects.filter(unit=scope.unit).select_related("unit"), pk, "meeting")


def meeting_files(meeting: Meeting) -> QuerySet[Attachment]:
    """The meeting's papers: its own files, those of the documents on its agenda, and those of
    its minutes and conclusions."""
    return Attachment.objects.filter(
        Q(meeting=meeting)
        | Q(document__in=meeting.agenda_documents.values("pk"))
        | Q(document__meeting=meeting)
    ).order_by("pk")


def access_meeting_file(meeting: Meeting, pk: Any) -> Attachment:
    return access(meeting_files(meeting), pk, "file")


def my_meetings(user: User) -> QuerySet[Meeting]:
    """The meetings of her calendar."""
    units = Assignment.objects.filter(user=user).values("unit_id")
    invited = Invitation.objects.filter(Q(user=user) | Q(unit__in=units)).values("meeting_id")
    return Meeting.objects.filter(Q(pk__in=invited) | Q(unit__in=units)).select_related("unit")


def access_my_meeting(user: User, pk: Any) -> Meeting:
    """One meeting of her calendar (by the id in her URL), or 404."""
    return access(my_meetings(user), pk, "meeting")


def answerable(user: User, meeting: Meeting) -> QuerySet[Invitation]:
    """The invitations she may answer: her own by name, and those of the units where she holds
    a role that answers for the unit (admin, cadre, branch head)."""
    units = Assignment.objects.filter(user=user, role__in=ANSWERING_ROLES).values("unit_id")
    return meeting.invitations.filter(Q(user=user) | Q(unit__in=units)).select_related("unit")


def answerable_many(user: User, meetings: list[Meeting]) -> QuerySet[Invitation]:
    """The invitations she may answer across these meetings, in one query."""
    units = Assignment.objects.filter(user=user, role__in=ANSWERING_ROLES).values("unit_id")
    return (
        Invitation.objects.filter(meeting__in=[m.pk for m in meetings])
        .filter(Q(user=user) | Q(unit__in=units))
        .select_related("unit")
    )


def access_answerable(user: User, meeting: Meeting, pk: Any) -> Invitation:
    """An invitation of the meeting she may answer, by the id in her form, or 404."""
    return access(answerable(user, meeting), pk, "invitation")
