"""Roles and their permissions: the one table that says who may do what.

A user's Assignment(user, unit, role) grants the role's permissions over the unit's whole subtree.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_ADMIN = "admin", _("Unit admin")
    CADRE = "cadre", _("Cadre")
    BRANCH_HEAD = "branch_head", _("Branch head")
    VIEWER = "viewer", _("Viewer")


# Permission strings, named `<area>.<verb>`.
VIEW_UNIT = "units.view"
CHANGE_UNITS = "units.change"
MANAGE_ACCOUNTS = "accounts.manage"
VIEW_AUDIT = "audit.view"
VIEW_MEMBERS = "members.view"
CHANGE_MEMBERS = "members.change"  # admit, correct a record
MANAGE_MEMBERS = "members.manage"  # transfer, move, remove, restore, members' accounts
VIEW_SENSITIVE = "members.view_sensitive"  # ethnicity, religion, citizen ID
VIEW_ACTIVITIES = "activities.view"  # activities, branch life, training, digital capacity
RECORD_ACTIVITIES = "activities.record"  # activities, attendance, dues, equipment, requests
MANAGE_ACTIVITIES = "activities.manage"  # courses, trainees, requests' decisions, thresholds
VIEW_COMMS = "comms.view"  # channels and posts of the subtree
LOG_POSTS = "comms.post"  # record posts
MANAGE_CHANNELS = "comms.manage"  # register channels, publish articles on Hội Số
VIEW_TARGETS = "targets.view"  # targets, their dashboard
MANAGE_TARGETS = "targets.manage"  # set targets, enter population figures
SEND_NOTICES = "notifications.send"  # send notices, see the outbox and followers' messages
VIEW_DOCUMENTS = "documents.view"  # documents received and issued, the register
ANSWER_DOCUMENTS = "documents.answer"  # acknowledge a document received, report back
ISSUE_DOCUMENTS = "documents.issue"  # issue, forward, remind
VIEW_VOICES = "voices.view"  # members' concerns of the subtree (who wrote them, unless anonymous)
ANSWER_VOICES = "voices.answer"  # answer, forward, close concerns; record one for a member
MANAGE_VOICES = "voices.manage"  # whether the unit takes anonymous concerns, the delay to rise
VIEW_REPORTS = "reports.view"  # periodic reports of the subtree, completeness, consolidation
SUBMIT_REPORTS = "reports.submit"  # fill in and submit the unit's own periodic reports
APPROVE_REPORTS = "reports.approve"  # from above: return, approve, un-approve reports below
MANAGE_REPORTS = "reports.manage"  # define the report forms the levels below fill in

_MEMBERS_ALL = {VIEW_MEMBERS, CHANGE_MEMBERS, MANAGE_MEMBERS, VIEW_SENSITIVE}
_ACTIVITIES_ALL = {VIEW_ACTIVITIES, RECORD_ACTIVITIES, MANAGE_ACTIVITIES}
_COMMS_TARGETS_ALL = {VIEW_COMMS, LOG_POSTS, MANAGE_CHANNELS, VIEW_TARGETS, MANAGE_TARGETS}
_DOCUMENTS_ALL = {VIEW_DOCUMENTS, ANSWER_DOCUMENTS, ISSUE_DOCUMENTS}
_VOICES_ALL = {VIEW_VOICES, ANSWER_VOICES, MANAGE_VOICES}
_REPORTS_ALL = {VIEW_REPORTS, SUBMIT_REPORTS, APPROVE_REPORTS, MANAGE_REPORTS}
_WORK_ALL = {
    *_MEMBERS_ALL,
    *_ACTIVITIES_ALL,
    *_COMMS_TARGETS_ALL,
    SEND_NOTICES,
    *_DOCUMENTS_ALL,
    *_VOICES_ALL,
    *_REPORTS_ALL,
}
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.UNIT_ADMIN: frozenset({VIEW_UNIT, CHANGE_UNITS, MANAGE_ACCOUNTS, VIEW_AUDIT, *_WORK_ALL}),
    Role.CADRE: frozenset({VIEW_UNIT, CHANGE_UNITS, *_WORK_ALL}),
    Role.BRANCH_HEAD: frozenset(
        {
            VIEW_UNIT,
            VIEW_MEMBERS,
            CHANGE_MEMBERS,
            VIEW_ACTIVITIES,
            RECORD_ACTIVITIES,
            VIEW_COMMS,
            LOG_POSTS,
            VIEW_TARGETS,
            VIEW_DOCUMENTS,
            ANSWER_DOCUMENTS,
            VIEW_VOICES,
            ANSWER_VOICES,
            VIEW_REPORTS,
            SUBMIT_REPORTS,
        }
    ),
    Role.VIEWER: frozenset(
        {
            VIEW_UNIT,
            VIEW_MEMBERS,
            VIEW_ACTIVITIES,
            VIEW_COMMS,
            VIEW_TARGETS,
            VIEW_DOCUMENTS,
            VIEW_REPORTS,
        }
    ),
}


def permissions_of(roles: set[str] | frozenset[str]) -> frozenset[str]:
    return frozenset().union(*(PERMISSIONS[r] for r in roles)) if roles else frozenset()
