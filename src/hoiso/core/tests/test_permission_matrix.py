"""Every URL × role × inside/outside the subtree × anonymous has an expected status.

The matrix is walked against the URLconf: a URL without an entry here fails the suite, so a new
page cannot ship without someone deciding who may open it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hoiso.accounts.models import AccountImport, Assignment
from hoiso.accounts.roles import CHANGE_MEMBERS, VIEW_SENSITIVE, Role, permissions_of
from hoiso.accounts.tokens import token_create
from hoiso.activities.models import Course
from hoiso.activities.services import (
    activity_record,
    course_create,
    equipment_request_create,
    equipment_save,
    trainee_add,
    trainee_assess,
)
from hoiso.activities.tests.images import PNG
from hoiso.comms.tests.factories import make_article, make_channel, make_post
from hoiso.conftest import Cast, make_member, make_unit, make_user
from hoiso.contests.tests.factories import (
    matrix_enterable,
    matrix_judging,
    matrix_kwargs,
    matrix_public,
)
from hoiso.contests.tests.vote_factories import make_voting_contest
from hoiso.documents.models import Attachment, Receipt
from hoiso.documents.tests import samples
from hoiso.documents.tests.factories import call_meeting, issue
from hoiso.members.choices import Religion
from hoiso.members.forms import MemberForm
from hoiso.members.importing import files, jobs
from hoiso.members.models import ImportStatus, Member, MemberExport, MemberImport
from hoiso.members.services import deletion_request_create, transfer_request
from hoiso.members.tests.test_import_files import xlsx
from hoiso.notifications.services import broadcast_send
from hoiso.ratings import services as ratings
from hoiso.ratings.tests.factories import make_scheme, manual
from hoiso.reports.tests.factories import monthly
from hoiso.reports.tests.factories import submitted as submitted_report
from hoiso.restructuring.models import Restructuring
from hoiso.targets.tests.factories import make_target
from hoiso.units.models import Level, Unit
from hoiso.voices.services import concern_raise
from hoiso.voices.surveys import question_add, survey_create

ACTORS = ["anonymous", "admin", "cadre", "branch_head", "viewer"]
# Where the request points: a branch inside the actors' subtrees (branch A1: every actor of the
# matrix serves commune A or that branch), or a branch of commune B, outside them all.
PLACES = ["inside", "outside"]


@dataclass
class Entry:
    method: str = "get"
    # Expected status per actor inside the subtree; outside it every signed-in actor gets 404.
    inside: dict[str, int] = field(default_factory=dict)
    # Extra URL kwargs built from the cast and the target unit.
    kwargs: Callable[[Cast, str, Any], dict] | None = None
    # URLs that do not name a unit: the same status wherever.
    unscoped: bool = False
    # API endpoints: the caller presents a personal token instead of a session; the unit is a
    # query parameter built here.
    api: bool = False
    query: Callable[[Cast, str, Any], dict] | None = None
    # Public pages (a unit's news and channels): the same answer inside and outside.
    public: bool = False


def _staff_only(ok: int = 200) -> dict[str, int]:
    return {"anonymous": 302, "admin": ok, "cadre": 403, "branch_head": 403, "viewer": 403}


def _cadres(ok: int = 200) -> dict[str, int]:
    return {"anonymous": 302, "admin": ok, "cadre": ok, "branch_head": 403, "viewer": 403}


EVERYONE = {"anonymous": 302, "admin": 200, "cadre": 200, "branch_head": 200, "viewer": 200}


def _revocable(cast: Cast, place: str, user: Any = None) -> dict:
    """A fresh assignment in the target branch, so that each request has one to revoke."""
    unit = cast.branch_a1 if place == "inside" else cast.branch_b1
    someone = make_user(f"x{Assignment.objects.count()}", "Đỗ Thị Xuân", "", (unit, Role.VIEWER))
    return {"pk": someone.assignments.get().pk}


def _branch_head_too(ok: int = 200) -> dict[str, int]:
    return {"anonymous": 302, "admin": ok, "cadre": ok, "branch_head": ok, "viewer": 403}


def _target(cast: Cast, place: str) -> Unit:
    return cast.branch_a1 if place == "inside" else cast.branch_b1


def _concern(cast: Cast, place: str, user: Any = None) -> dict:
    """A concern raised at the target branch, with a photo."""
    concern, _code = concern_raise(origin=_target(cast, place), topic="family", text="Nước sạch",
                                   photo=PNG)  # fmt: skip
    return {"pk": concern.pk}


def _new_survey(unit: Unit) -> Any:
    survey = survey_create(actor=None, unit=unit, title="Khảo sát", intro="",  # type: ignore[arg-type]
                           closes_on=dt.date.today() + dt.timedelta(days=5))  # fmt: skip
    question = question_add(actor=None, survey=survey, kind="scale", text="Mức độ?", options="",  # type: ignore[arg-type]
                            required=True)  # fmt: skip
    return survey, question


def _survey(cast: Cast, place: str, user: Any = None) -> dict:
    """A survey of the target branch, still being written."""
    survey, _question = _new_survey(_target(cast, place))
    return {"pk": survey.pk}


def _question(cast: Cast, place: str, user: Any = None) -> dict:
    survey, question = _new_survey(_target(cast, place))
    return {"pk": survey.pk, "question": question.pk}


def _survey_anywhere(cast: Cast, place: str, user: Any = None) -> dict:
    return _survey(cast, "inside")


def _member(cast: Cast, place: str, user: Any = None) -> dict:
    return {"pk": make_member(_target(cast, place), "Đỗ Thị Mơ").pk}


def _incoming(cast: Cast, place: str, user: Any = None) -> dict:
    """A transfer into the target branch from a branch of the other commune."""
    target = _target(cast, place)
    source = cast.branch_b1 if place == "inside" else cast.branch_a1
    member = make_member(source, "Vũ Thị Sen")
    return {"pk": transfer_request(actor=cast.lan, member=member, to_unit=target).pk}


def _outgoing(cast: Cast, place: str, user: Any = None) -> dict:
    target = _target(cast, place)
    other = cast.commune_b if place == "inside" else cast.commune_a
    member = make_member(target, "Vũ Thị Sen")
    return {"pk": transfer_request(actor=cast.lan, member=member, to_unit=other).pk}


def _erasure(cast: Cast, place: str, user: Any = None) -> dict:
    member = make_member(_target(cast, place), "Hà Thị Yến")
    return {"pk": deletion_request_create(member=member).pk}


def _branch_report(cast: Cast, place: str, user: Any = None) -> dict:
    """The province's monthly form for branches, and the target branch's October report, sent."""
    form = monthly(cast.province, level=Level.BRANCH)
    submitted_report(form, _target(cast, place), cast.lan)
    return {"form_pk": form.pk, "key": "2026-10"}


def _group_form(cast: Cast, place: str, user: Any = None) -> dict:
    """A form the target branch sets for its women's groups (read from the branch: its grid,
    its consolidated report)."""
    return {"form_pk": monthly(_target(cast, place), level=Level.GROUP).pk, "key": "2026-10"}


def _owned_form(cast: Cast, place: str, user: Any = None) -> dict:
    form = monthly(_target(cast, place), level=Level.GROUP)
    return {"pk": form.pk, "item_pk": form.items.first().pk}  # type: ignore[union-attr]


NOT_A_MEMBER = {**{a: 404 for a in ACTORS}, "anonymous": 302}
API_EVERYONE = {**{a: 200 for a in ACTORS}, "anonymous": 401}


def _unit_param(cast: Cast, place: str, user: Any = None) -> dict:
    return {"unit": _target(cast, place).code}


def _search_params(cast: Cast, place: str, user: Any = None) -> dict:
    return {"unit": _target(cast, place).code, "q": "do thi"}


def _member_id(cast: Cast, place: str, user: Any = None) -> dict:
    return {"member_id": _member(cast, place)["pk"]}


def _export(cast: Cast, place: str, user: Any = None) -> dict:
    """An export of the target unit made by the requesting user (anyone's, for the anonymous)."""
    author = user or cast.hoa
    export = MemberExport.objects.create(user=author, unit=_target(cast, place), format="csv")
    return {"export_id": export.pk}


def _import(cast: Cast, place: str, user: Any = None) -> dict:
    """An import into the target unit by the requesting user (anyone's, for the anonymous)."""
    author = user if user is not None and user.is_authenticated else cast.hoa
    imp = MemberImport.objects.create(user=author, unit=_target(cast, place), filename="ds.xlsx")
    return {"import_id": imp.pk}


def _batch(cast: Cast, place: str, user: Any = None) -> dict:
    """A province batch of the requesting user's lists, into the target unit."""
    author = user if user is not None and user.is_authenticated else cast.hoa
    batch = uuid.uuid4()
    MemberImport.objects.create(
        user=author, unit=_target(cast, place), filename="x.xlsx", batch=batch
    )
    return {"batch": batch}


def _account_import(cast: Cast, place: str, user: Any = None) -> dict:
    """A spreadsheet of cadres for the target unit by the requesting user (anyone's, for the
    anonymous)."""
    author = user if user is not None and user.is_authenticated else cast.hoa
    imp = AccountImport.objects.create(user=author, unit=_target(cast, place), filename="cb.xlsx")
    return {"import_id": imp.pk}


def _activity(cast: Cast, place: str, user: Any = None) -> dict:
    return {"pk": activity_record(actor=None, unit=_target(cast, place), data={}).pk}


def _with_photo(cast: Cast, place: str, user: Any = None) -> dict:
    data = {"kind": "communication"}
    return {"pk": activity_record(actor=None, unit=_target(cast, place), data=data, photo=PNG).pk}


def _course(cast: Cast, place: str, user: Any = None) -> dict:
    data = {
        "title": "Phần mềm",
        "topic": "member_software",
        "starts_on": dt.date(2026, 3, 2),
        "ends_on": dt.date(2026, 3, 2),
    }
    return {"pk": course_create(actor=None, organiser=_target(cast, place), data=data).pk}


def _trainee(cast: Cast, place: str, user: Any = None) -> dict:
    course = Course.objects.get(pk=_course(cast, place)["pk"])
    member = make_member(_target(cast, place), "Đỗ Thị Mơ")
    trainee = trainee_add(actor=None, course=course, member=member)
    trainee_assess(actor=None, trainee=trainee, attended=True, completed=True, result=2)
    return {"pk": course.pk, "trainee_pk": trainee.pk}


def _cadre_there(cast: Cast, place: str, user: Any = None) -> dict:
    n = Assignment.objects.count()
    someone = make_user(f"c{n}", "Đỗ Thị Xuân", "", (_target(cast, place), Role.BRANCH_HEAD))
    return {"user_id": someone.pk}


def _equipment(cast: Cast, place: str, user: Any = None) -> dict:
    data = {"kind": "laptop", "quantity": 1, "state": "working"}
    return {"pk": equipment_save(actor=None, unit=_target(cast, place), data=data).pk}


def _request_from(cast: Cast, place: str, user: Any = None) -> dict:
    req = equipment_request_create(
        actor=None, unit=_target(cast, place), kind="laptop", quantity=1, reason="Họp"
    )
    return {"pk": req.pk}


def _request_to(cast: Cast, place: str, user: Any = None) -> dict:
    """A request from a women's group, waiting at the target branch."""
    target = _target(cast, place)
    group = make_unit(target, Level.GROUP, f"{target.code}-g{Unit.objects.count()}", "Tổ 9")
    req = equipment_request_create(actor=None, unit=group, kind="laptop", quantity=1, reason="Họp")
    return {"pk": req.pk}


def _channel(cast: Cast, place: str, user: Any = None) -> dict:
    return {"pk": make_channel(_target(cast, place)).pk}


def _own_post(cast: Cast, place: str, user: Any = None) -> dict:
    """A post the requesting user recorded herself (a branch head may remove her own)."""
    post = make_post(make_channel(_target(cast, place)), by=user)
    return {"pk": post.pk}


def _article(cast: Cast, place: str, user: Any = None) -> dict:
    return {"pk": make_article(_target(cast, place), with_image=True).pk}


def _target_set(cast: Cast, place: str, user: Any = None) -> dict:
    return {"pk": make_target(_target(cast, place)).pk}


def _broadcast(cast: Cast, place: str, user: Any = None) -> dict:
    unit = _target(cast, place)
    b = broadcast_send(actor=cast.lan, unit=unit, title="Họp", body="Tối nay.", audience="members",
                       audience_label="x", recipients=Member.objects.within(unit))  # fmt: skip
    return {"pk": b.pk}


def _restructuring(cast: Cast, place: str, user: Any = None) -> dict:
    """A previewed restructuring asked at the target branch."""
    unit = _target(cast, place)
    r = Restructuring.objects.create(kind="rename", unit=unit, province=cast.province,
                                     unit_path=unit.path, on=dt.date(2026, 7, 1),
                                     created_by=cast.lan)  # fmt: skip
    return {"pk": r.pk}


def _restructured_role(cast: Cast, place: str, user: Any = None) -> dict:
    return {**_restructuring(cast, place, user), "assignment_pk": _revocable(cast, place)["pk"]}


# Only the province's admin (or one above) restructures: every actor of the matrix serves a
# commune or a branch, so none may (tests/test_views.py checks the province's admin).
PROVINCE_ADMINS_ONLY = {**{a: 403 for a in ACTORS}, "anonymous": 302}


def _received(cast: Cast, place: str, user: Any = None) -> dict:
    """A document of the province, with a file, sent to the target branch; a report is owed."""
    doc = issue(
        cast.province,
        units=[_target(cast, place)],
        report_required=True,
        deadline=dt.date(2026, 12, 31),
        uploads=[samples.upload("ke-hoach.pdf", samples.pdf())],
    )
    return {"pk": doc.pk}


def _received_file(cast: Cast, place: str, user: Any = None) -> dict:
    pk = _received(cast, place)["pk"]
    return {"pk": pk, "file_pk": Receipt.objects.get(document_id=pk).document.attachments.get().pk}


def _sent(cast: Cast, place: str, user: Any = None) -> dict:
    """A document the target branch issued to a women's group of its own."""
    target = _target(cast, place)
    group = make_unit(target, Level.GROUP, f"{target.code}-d{Unit.objects.count()}", "Tổ 8")
    return {"pk": issue(target, units=[group]).pk}


def _public_document(cast: Cast, place: str, user: Any = None) -> dict:
    doc = issue(
        cast.commune_a,
        units=[cast.branch_a1],
        public=True,
        uploads=[samples.upload("thong-bao.pdf", samples.pdf())],
    )
    return {"unit_code": cast.commune_a.code, "pk": doc.pk, "file_pk": doc.attachments.get().pk}


def _invited(cast: Cast, place: str, user: Any = None) -> dict:
    """A meeting of the province to which the target branch (and commune A) is invited, with a
    paper of its own."""
    units = [_target(cast, place)] + ([cast.commune_a] if place == "inside" else [])
    meeting = call_meeting(cast.province, units=units,
                           uploads=[samples.upload("chuong-trinh.pdf", samples.pdf())])  # fmt: skip
    return {"pk": meeting.pk}


def _invited_file(cast: Cast, place: str, user: Any = None) -> dict:
    pk = _invited(cast, place)["pk"]
    return {"pk": pk, "file_pk": Attachment.objects.get(meeting_id=pk).pk}


def _organised(cast: Cast, place: str, user: Any = None) -> dict:
    """A meeting the target branch called for a women's group of its own."""
    target = _target(cast, place)
    group = make_unit(target, Level.GROUP, f"{target.code}-m{Unit.objects.count()}", "Tổ 9")
    return {"pk": call_meeting(target, units=[group]).pk}


PUBLIC = {a: 200 for a in ACTORS}


def _voting(cast: Cast, place: str, user: Any = None) -> dict:
    """A contest of the target branch in its public vote."""
    return {"pk": make_voting_contest(_target(cast, place)).pk}


def _voting_slug(cast: Cast, place: str, user: Any = None) -> dict:
    return {"slug": make_voting_contest(cast.commune_a).slug}


def _voting_entry(cast: Cast, place: str, user: Any = None) -> dict:
    contest = make_voting_contest(cast.commune_a)
    return {"contest": contest.pk, "entry": contest.entries.first().pk}  # type: ignore[union-attr]


_ALL_302 = {a: 302 for a in ACTORS}


# The yearly rating: a commune's assessment lives at the commune (commune A inside, B outside), so
# these URLs name the commune; the branch head, who serves only branch A1, finds nothing there.
def _commune(cast: Cast, place: str) -> Unit:
    return cast.commune_a if place == "inside" else cast.commune_b


def _rating_scheme_here(cast: Cast, place: str, user: Any = None) -> dict:
    """A scheme the commune sets for its branches, with one criterion."""
    scheme = make_scheme(_commune(cast, place), level=Level.BRANCH)
    return {
        "unit_code": _commune(cast, place).code,
        "pk": scheme.pk,
        "cid": manual(scheme, "Sinh hoạt đều", 10).pk,
    }


def _scheme_only(cast: Cast, place: str, user: Any = None) -> dict:
    return {k: v for k, v in _rating_scheme_here(cast, place).items() if k != "cid"}


def _commune_only(cast: Cast, place: str, user: Any = None) -> dict:
    return {"unit_code": _commune(cast, place).code}


def _rated(cast: Cast, place: str, user: Any = None) -> dict:
    """The province's scheme for communes; the commune's assessment with one file of evidence."""
    scheme = make_scheme(cast.province)
    criterion = manual(scheme, "Chủ đề năm", 10)
    assessment = ratings.assessment_for(scheme, _commune(cast, place))
    ratings.assessment_save(
        actor=None,
        assessment=assessment,
        entries={},
        uploads={criterion.pk: [samples.upload("bien-ban.pdf", samples.pdf())]},
    )
    fid = assessment.scores.get().files.get().pk
    return {"unit_code": _commune(cast, place).code, "pk": scheme.pk, "fid": fid}


def _rated_scheme(cast: Cast, place: str, user: Any = None) -> dict:
    return {k: v for k, v in _rated(cast, place).items() if k != "fid"}


_COMMUNE_VIEW = {**EVERYONE, "branch_head": 404}
_COMMUNE_CADRES = {**_cadres(), "branch_head": 404}
MATRIX: dict[str, Entry] = {
    "home": Entry(unscoped=True, inside={a: 302 for a in ACTORS}),
    "healthz": Entry(unscoped=True, inside={a: 200 for a in ACTORS}),
    "set_language": Entry(unscoped=True, inside={a: 302 for a in ACTORS}),
    "accounts:login": Entry(unscoped=True, inside={**{a: 302 for a in ACTORS}, "anonymous": 200}),
    "accounts:logout": Entry(unscoped=True, inside={a: 405 for a in ACTORS}),
    "accounts:password": Entry(unscoped=True, inside={**EVERYONE}),
    "units:home": Entry(inside=EVERYONE),
    "units:add": Entry(inside=_cadres()),
    "units:edit": Entry(inside=_cadres()),
    "units:close": Entry(inside=_cadres()),
    # Confirming the successor of an old commune split in 2025 (redirects to the unit's page).
    "units:successor": Entry(method="post", inside=_cadres(302)),
    "people:list": Entry(inside=_staff_only()),
    "people:new": Entry(inside=_staff_only()),
    "people:assign": Entry(inside=_staff_only()),
    "people:revoke": Entry(method="post", inside=_staff_only(302), kwargs=_revocable),
    # A province's page: a branch (or commune) has none, whoever asks.
    "units:setup": Entry(inside=_cadres(404)),
    "units:setup_remind": Entry(method="post", inside=_cadres(404)),
    "people:bulk": Entry(inside=_staff_only()),
    "people:bulk_detail": Entry(inside=_staff_only(), kwargs=_account_import),
    "people:bulk_confirm": Entry(method="post", inside=_staff_only(302), kwargs=_account_import),
    # Before the accounts are made there are no slips: 404 even to the author.
    "people:bulk_slips": Entry(inside=_staff_only(404), kwargs=_account_import),
    "people:full_time": Entry(method="post", inside=_staff_only(302), kwargs=_revocable),
    "audit": Entry(inside=_staff_only()),
    "members:list": Entry(inside=EVERYONE),
    "members:new": Entry(inside=_branch_head_too()),
    "members:inbox": Entry(inside=_cadres()),
    "members:transfer_accept": Entry(method="post", inside=_cadres(302), kwargs=_incoming),
    "members:transfer_refuse": Entry(method="post", inside=_cadres(302), kwargs=_incoming),
    "members:transfer_cancel": Entry(method="post", inside=_cadres(302), kwargs=_outgoing),
    "members:deletion_answer": Entry(inside=_cadres(), kwargs=_erasure),
    "members:detail": Entry(inside=EVERYONE, kwargs=_member),
    "members:sensitive": Entry(inside=_cadres(), kwargs=_member),
    "members:edit": Entry(inside=_branch_head_too(), kwargs=_member),
    "members:transfer": Entry(inside=_cadres(), kwargs=_member),
    "members:remove": Entry(inside=_cadres(), kwargs=_member),
    "members:restore": Entry(inside=_cadres(), kwargs=_member),
    "members:account": Entry(method="post", inside=_cadres(302), kwargs=_member),
    "members:import_new": Entry(inside=_branch_head_too()),
    "members:import_template": Entry(inside=_branch_head_too()),
    # A province's pages: at a branch there are none (and no batch of hers either).
    "members:province_import": Entry(inside=_branch_head_too(404)),
    "members:province_batch": Entry(inside=_branch_head_too(404), kwargs=_batch),
    "members:province_confirm": Entry(method="post", inside=_branch_head_too(404), kwargs=_batch),
    "members:import": Entry(inside=_branch_head_too(), kwargs=_import),
    "members:import_decide": Entry(method="post", inside=_branch_head_too(302), kwargs=_import),
    "members:import_replace": Entry(method="post", inside=_branch_head_too(302), kwargs=_import),
    "members:import_confirm": Entry(method="post", inside=_branch_head_too(302), kwargs=_import),
    "members:import_cancel": Entry(method="post", inside=_branch_head_too(302), kwargs=_import),
    # No rows with errors yet: the workbook answers 404 even to the import's author.
    "members:import_errors": Entry(inside=_branch_head_too(404), kwargs=_import),
    "members:export_new": Entry(method="post", inside=_cadres(302)),
    "members:export": Entry(inside=_cadres(), kwargs=_export),
    # Not written yet (no worker ran): the file answers 404 even to its author.
    "members:export_file": Entry(inside=_cadres(404), kwargs=_export),
    # A member's own pages: for accounts that are no member's, there is nothing there.
    "me:home": Entry(unscoped=True, inside=NOT_A_MEMBER),
    "me:contact": Entry(unscoped=True, inside=NOT_A_MEMBER),
    "me:delete": Entry(unscoped=True, inside=NOT_A_MEMBER),
    "accounts:tokens": Entry(unscoped=True, inside=EVERYONE),
    "activities:list": Entry(inside=EVERYONE),
    "activities:new": Entry(inside=_branch_head_too()),
    "activities:detail": Entry(inside=EVERYONE, kwargs=_activity),
    "activities:photo": Entry(inside=EVERYONE, kwargs=_with_photo),
    "activities:attendance": Entry(inside=_branch_head_too(), kwargs=_activity),
    "activities:branch_life": Entry(inside=EVERYONE),
    "activities:dues": Entry(inside=_branch_head_too()),
    # The province sets the thresholds: at a branch there is no such page.
    "activities:rules": Entry(inside={**_cadres(404)}),
    "activities:courses": Entry(inside=EVERYONE),
    "activities:course_new": Entry(inside=_cadres()),
    "activities:course": Entry(inside=EVERYONE, kwargs=_course),
    "activities:trainee_assess": Entry(method="post", inside=_cadres(302), kwargs=_trainee),
    "activities:certificate": Entry(inside=EVERYONE, kwargs=_trainee),
    "activities:cadres": Entry(inside=EVERYONE),
    # A cadre's record is for her superiors: the branch head beside her at the branch is not one.
    "activities:cadre": Entry(inside={**EVERYONE, "branch_head": 403}, kwargs=_cadre_there),
    "activities:digital": Entry(inside=EVERYONE),
    "activities:equipment_new": Entry(inside=_branch_head_too()),
    "activities:equipment_edit": Entry(inside=_branch_head_too(), kwargs=_equipment),
    "activities:request_new": Entry(inside=_branch_head_too()),
    "activities:request": Entry(inside=EVERYONE, kwargs=_request_from),
    "activities:request_decide": Entry(method="post", inside=_cadres(302), kwargs=_request_to),
    "comms:channels": Entry(inside=EVERYONE),
    "comms:channel_new": Entry(inside=_cadres()),
    "comms:channel_edit": Entry(inside=_cadres(), kwargs=_channel),
    "comms:posts": Entry(inside=EVERYONE),
    "comms:post_new": Entry(inside=_branch_head_too()),
    "comms:post_import": Entry(inside=_branch_head_too()),
    "comms:post_delete": Entry(method="post", inside=_branch_head_too(302), kwargs=_own_post),
    "comms:article_new": Entry(inside=_cadres()),
    "public:news": Entry(inside=PUBLIC, public=True),
    "public:channels": Entry(inside=PUBLIC, public=True),
    "public:article": Entry(inside=PUBLIC, public=True, kwargs=_article),
    "public:article_image": Entry(inside=PUBLIC, public=True, kwargs=_article),
    "targets:dashboard": Entry(inside=EVERYONE),
    "ratings:list": Entry(inside=EVERYONE),
    "ratings:export": Entry(inside=EVERYONE),
    "ratings:history": Entry(inside=EVERYONE),
    "ratings:scheme_new": Entry(inside=_COMMUNE_CADRES, kwargs=_commune_only),
    "ratings:scheme": Entry(inside=_COMMUNE_VIEW, kwargs=_scheme_only),
    "ratings:scheme_edit": Entry(inside=_COMMUNE_CADRES, kwargs=_scheme_only),
    "ratings:scheme_copy": Entry(
        method="post", inside={**_cadres(302), "branch_head": 404}, kwargs=_scheme_only
    ),
    "ratings:criterion_new": Entry(inside=_COMMUNE_CADRES, kwargs=_scheme_only),
    "ratings:criterion_edit": Entry(inside=_COMMUNE_CADRES, kwargs=_rating_scheme_here),
    "ratings:criterion_delete": Entry(
        method="post", inside={**_cadres(302), "branch_head": 404}, kwargs=_rating_scheme_here
    ),
    # The commune's own cadres fill in its assessment; deciding needs a role above the commune.
    "ratings:assessment": Entry(inside=_COMMUNE_VIEW, kwargs=_rated_scheme),
    "ratings:decide": Entry(inside={**_cadres(403), "branch_head": 404}, kwargs=_rated_scheme),
    "ratings:reopen": Entry(
        method="post", inside={**_cadres(403), "branch_head": 404}, kwargs=_rated_scheme
    ),
    "ratings:evidence": Entry(inside=_COMMUNE_VIEW, kwargs=_rated),
    "ratings:evidence_remove": Entry(
        method="post", inside={**_cadres(302), "branch_head": 404}, kwargs=_rated
    ),
    "targets:new": Entry(inside=_cadres()),
    "targets:export": Entry(inside=EVERYONE),
    "targets:population": Entry(inside=_cadres()),
    "targets:notices_read": Entry(method="post", inside=_ALL_302),
    "targets:detail": Entry(inside=EVERYONE, kwargs=_target_set),
    "targets:edit": Entry(inside=_cadres(), kwargs=_target_set),
    "targets:delete": Entry(method="post", inside=_cadres(302), kwargs=_target_set),
    "reports:index": Entry(inside=EVERYONE),
    # A branch has no level below it that reports: there is no form to create there.
    "reports:form_new": Entry(inside=_cadres(404)),
    "reports:form": Entry(inside=_cadres(), kwargs=lambda c, p, u: {"pk": _owned_form(c, p)["pk"]}),
    "reports:item_remove": Entry(method="post", inside=_cadres(302), kwargs=_owned_form),
    "reports:grid": Entry(
        inside=EVERYONE, kwargs=lambda c, p, u: {"form_pk": _group_form(c, p)["form_pk"]}
    ),
    "reports:report": Entry(inside=EVERYONE, kwargs=_branch_report),
    # The upper level decides: the branch head serves the branch itself, not above it.
    "reports:return": Entry(method="post", inside=_cadres(302), kwargs=_branch_report),
    "reports:approve": Entry(method="post", inside=_cadres(302), kwargs=_branch_report),
    "reports:unapprove": Entry(method="post", inside=_cadres(302), kwargs=_branch_report),
    "reports:consolidated": Entry(inside=EVERYONE, kwargs=_group_form),
    "reports:consolidated_xlsx": Entry(inside=EVERYONE, kwargs=_group_form),
    "reports:consolidated_pdf": Entry(inside=EVERYONE, kwargs=_group_form),
    "reports:send": Entry(method="post", inside=_cadres(302), kwargs=_group_form),
    "reports:figure": Entry(
        inside=EVERYONE, kwargs=lambda c, p, u: {**_group_form(c, p), "item_key": "members_end"}
    ),
    "notifications:notices": Entry(inside=_cadres()),
    "notifications:notice_new": Entry(inside=_cadres()),
    "notifications:notice": Entry(inside=_cadres(), kwargs=_broadcast),
    "notifications:outbox": Entry(inside=_cadres()),
    "notifications:inbox": Entry(inside=_cadres()),
    "my_messages": Entry(unscoped=True, inside=NOT_A_MEMBER),
    "notify:preferences": Entry(unscoped=True, inside=EVERYONE),
    # Anything but Zalo's signed events (here: no event at all), and eSMS's reports without
    # their token, are refused; the forged signature is tested in notifications.
    "notify:zalo_webhook": Entry(method="post", unscoped=True, inside={a: 400 for a in ACTORS}),
    "notify:esms_report": Entry(
        unscoped=True,
        inside={a: 404 for a in ACTORS},
        kwargs=lambda cast, place, user: {"token": "guess"},
    ),
    "restructuring:index": Entry(inside=PROVINCE_ADMINS_ONLY),
    "restructuring:operation": Entry(
        inside=PROVINCE_ADMINS_ONLY, kwargs=lambda c, p, u: {"kind": "merge"}
    ),
    "restructuring:detail": Entry(inside=PROVINCE_ADMINS_ONLY, kwargs=_restructuring),
    "restructuring:apply": Entry(method="post", inside=PROVINCE_ADMINS_ONLY, kwargs=_restructuring),
    "restructuring:undo": Entry(method="post", inside=PROVINCE_ADMINS_ONLY, kwargs=_restructuring),
    "restructuring:end_assignment": Entry(
        method="post", inside=PROVINCE_ADMINS_ONLY, kwargs=_restructured_role
    ),
    "documents:inbox": Entry(inside=EVERYONE),
    "documents:register": Entry(inside=EVERYONE),
    "documents:register_export": Entry(inside=EVERYONE),
    "documents:new": Entry(inside=_cadres()),
    "documents:detail": Entry(inside=EVERYONE, kwargs=_received),
    "documents:file": Entry(inside=EVERYONE, kwargs=_received_file),
    "documents:acknowledge": Entry(method="post", inside=_branch_head_too(302), kwargs=_received),
    "documents:report": Entry(inside=_branch_head_too(), kwargs=_received),
    "documents:tracking": Entry(inside=_cadres(), kwargs=_sent),
    "documents:remind": Entry(method="post", inside=_cadres(302), kwargs=_sent),
    "documents:forward": Entry(inside=_cadres(), kwargs=_received),
    "meetings:list": Entry(inside=EVERYONE),
    "meetings:new": Entry(inside=_cadres()),
    "meetings:detail": Entry(inside=EVERYONE, kwargs=_invited),
    "meetings:file": Entry(inside=EVERYONE, kwargs=_invited_file),
    "meetings:attendance": Entry(inside=_cadres(), kwargs=_organised),
    "meetings:minutes": Entry(inside=_cadres(), kwargs=_organised),
    # A person's calendar: the meeting inviting commune A and branch A1 is every actor's.
    "calendar:mine": Entry(unscoped=True, inside=EVERYONE),
    "calendar:subscribe": Entry(unscoped=True, inside=EVERYONE),
    "calendar:ics": Entry(unscoped=True, inside=EVERYONE, kwargs=_invited),
    # A viewer sees the meeting but answers for no unit; the others are sent back to it.
    "calendar:answer": Entry(
        method="post", unscoped=True, inside={**_ALL_302, "viewer": 403}, kwargs=_invited
    ),
    # Tomorrow's meeting is not open yet: back to the calendar, nothing recorded.
    "calendar:join": Entry(unscoped=True, inside=_ALL_302, kwargs=_invited),
    "calendar:feed": Entry(
        unscoped=True,
        inside={a: 404 for a in ACTORS},
        kwargs=lambda cast, place, user: {"token": "guess"},
    ),
    "public_documents:list": Entry(inside=PUBLIC, public=True),
    "public_documents:file": Entry(inside=PUBLIC, public=True, kwargs=_public_document),
    "voices:inbox": Entry(inside=_branch_head_too()),
    "voices:record": Entry(inside=_branch_head_too()),
    "voices:settings": Entry(inside=_cadres()),
    "voices:report": Entry(inside=_branch_head_too()),
    "voices:surveys": Entry(inside=_branch_head_too()),
    "voices:survey_new": Entry(inside=_cadres()),
    "voices:survey": Entry(inside=_branch_head_too(), kwargs=_survey),
    "voices:survey_open": Entry(method="post", inside=_cadres(302), kwargs=_survey),
    "voices:survey_export": Entry(inside=_branch_head_too(), kwargs=_survey),
    "voices:question_remove": Entry(method="post", inside=_cadres(302), kwargs=_question),
    "survey:answer": Entry(unscoped=True, inside=NOT_A_MEMBER, kwargs=_survey_anywhere),
    "voices:detail": Entry(inside=_branch_head_too(), kwargs=_concern),
    "voices:photo": Entry(inside=_branch_head_too(), kwargs=_concern),
    "voices:answer": Entry(method="post", inside=_branch_head_too(302), kwargs=_concern),
    "voices:forward": Entry(method="post", inside=_branch_head_too(302), kwargs=_concern),
    "voices:close": Entry(method="post", inside=_branch_head_too(302), kwargs=_concern),
    "voices:reopen": Entry(method="post", inside=_branch_head_too(302), kwargs=_concern),
    "my_voices:list": Entry(unscoped=True, inside=NOT_A_MEMBER),
    "my_voices:new": Entry(unscoped=True, inside=NOT_A_MEMBER),
    "my_voices:detail": Entry(
        unscoped=True,
        inside=NOT_A_MEMBER,
        kwargs=lambda cast, place, user: _concern(cast, "inside"),
    ),
    # Units take anonymous concerns only once they choose to: until then there is nothing there.
    "open_voices:new": Entry(inside={a: 404 for a in ACTORS}, public=True),
    "open_voices:check": Entry(inside={a: 404 for a in ACTORS}, public=True),
    # By phone with a one-time code: any commune or branch takes it (the number decides who).
    "open_voices:phone": Entry(inside=PUBLIC, public=True),
    # Contests: the organiser's cadres manage; every role sees the list; those who record
    # activities (the branch head too) enter a contest of their unit or above.
    "contests:list": Entry(inside=EVERYONE),
    "contests:new": Entry(inside=_cadres()),
    "contests:detail": Entry(inside=_cadres(), kwargs=matrix_kwargs()),
    "contests:edit": Entry(inside=_cadres(), kwargs=matrix_kwargs()),
    "contests:prize_add": Entry(method="post", inside=_cadres(302), kwargs=matrix_kwargs()),
    "contests:prize_remove": Entry(
        method="post", inside=_cadres(302), kwargs=matrix_kwargs("prize")
    ),
    "contests:judge_add": Entry(method="post", inside=_cadres(302), kwargs=matrix_kwargs()),
    "contests:judge_remove": Entry(
        method="post", inside=_cadres(302), kwargs=matrix_kwargs("judge")
    ),
    "contests:criterion_add": Entry(method="post", inside=_cadres(302), kwargs=matrix_kwargs()),
    "contests:criterion_remove": Entry(
        method="post", inside=_cadres(302), kwargs=matrix_kwargs("criterion")
    ),
    "contests:entries": Entry(inside=_cadres(), kwargs=matrix_kwargs()),
    "contests:moderate": Entry(method="post", inside=_cadres(302), kwargs=matrix_kwargs("entry")),
    "contests:photo": Entry(inside=_cadres(), kwargs=matrix_kwargs("image")),
    "contests:results": Entry(inside=_cadres(), kwargs=matrix_kwargs()),
    "contests:export": Entry(inside=_cadres(), kwargs=matrix_kwargs()),
    "contests:certificate": Entry(inside=_cadres(), kwargs=matrix_kwargs("entry")),
    "contests:enter": Entry(inside=_branch_head_too(), kwargs=matrix_enterable),
    # A contest's public page, results and photos need no account.
    "contest:page": Entry(
        unscoped=True, inside=PUBLIC, kwargs=lambda c, p, u: {"slug": matrix_public(c, p)["slug"]}
    ),
    "contest:results": Entry(
        unscoped=True, inside=PUBLIC, kwargs=lambda c, p, u: {"slug": matrix_public(c, p)["slug"]}
    ),
    "contest:photo": Entry(unscoped=True, inside=PUBLIC, kwargs=matrix_public),
    # A judge's pages are hers alone (Hoa sits on the panel; nobody else of the matrix does).
    "judge:list": Entry(unscoped=True, inside={**PUBLIC, "anonymous": 302}),
    "judge:contest": Entry(
        unscoped=True,
        inside={**{a: 404 for a in ACTORS}, "anonymous": 302, "admin": 200},
        kwargs=lambda c, p, u: {"pk": matrix_judging(c, p)["pk"]},
    ),
    "judge:score": Entry(
        unscoped=True,
        inside={**{a: 404 for a in ACTORS}, "anonymous": 302, "admin": 200},
        kwargs=matrix_judging,
    ),
    "my_contests:list": Entry(unscoped=True, inside=NOT_A_MEMBER),
    "my_contests:enter": Entry(unscoped=True, inside=NOT_A_MEMBER, kwargs=matrix_enterable),
    # The public vote (on the contest's page): what its script asks for is open to all; writes
    # are POSTs.
    "contest_vote:vote_challenge": Entry(unscoped=True, inside=PUBLIC, kwargs=_voting_slug),
    "contest_vote:vote_counts": Entry(unscoped=True, inside=PUBLIC, kwargs=_voting_slug),
    "contest_vote:vote_code": Entry(
        unscoped=True, inside={a: 405 for a in ACTORS}, kwargs=_voting_slug
    ),
    "contest_vote:vote_confirm": Entry(
        unscoped=True, inside={a: 405 for a in ACTORS}, kwargs=_voting_slug
    ),
    "vote:vote": Entry(unscoped=True, inside={a: 405 for a in ACTORS}, kwargs=_voting_entry),
    "contest_votes:review": Entry(inside=_cadres(), kwargs=_voting),
    "contest_votes:void": Entry(inside=_cadres(405), kwargs=_voting),
    "api:api-root": Entry(unscoped=True, api=True, inside={a: 404 for a in ACTORS}),
    "api:openapi-json": Entry(unscoped=True, api=True, inside={a: 200 for a in ACTORS}),
    "api:openapi-view": Entry(unscoped=True, api=True, inside={a: 200 for a in ACTORS}),
    "api:list_members": Entry(api=True, inside=API_EVERYONE, query=_unit_param),
    "api:search_members": Entry(api=True, inside=API_EVERYONE, query=_search_params),
    "api:member_detail": Entry(api=True, inside=API_EVERYONE, kwargs=_member_id),
}


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def test_it_has_an_entry_for_every_url() -> None:
    names = set(_walk(get_resolver().url_patterns))
    assert names - MATRIX.keys() == set(), "URLs missing from the permission matrix"
    assert MATRIX.keys() - names == set(), "matrix entries for URLs that no longer exist"


def _actor(cast: Cast, name: str):  # type: ignore[no-untyped-def]
    a = cast.commune_a
    return {
        "anonymous": None,
        "admin": cast.hoa,
        "cadre": make_user("nga", "Võ Thị Nga", "0912000010", (a, Role.CADRE)),
        "branch_head": cast.mai,
        "viewer": cast.vy,
    }[name]


CASES = [
    (name, actor, place)
    for name, entry in sorted(MATRIX.items())
    for actor in ACTORS
    for place in (["inside"] if entry.unscoped else PLACES)
]


@pytest.mark.parametrize(("name", "actor", "place"), CASES)
def test_it_answers_as_the_matrix_says(cast: Cast, name: str, actor: str, place: str) -> None:
    entry = MATRIX[name]
    unit = _target(cast, place)
    user = _actor(cast, actor)
    kwargs = {} if entry.unscoped or entry.api else {"unit_code": unit.code}
    if entry.kwargs:
        kwargs.update(entry.kwargs(cast, place, user))
    url = reverse(name, kwargs=kwargs)
    query = entry.query(cast, place, user) if entry.query else {}
    if entry.api:
        headers = (
            {"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"} if user else {}
        )
        response = getattr(Client(), entry.method)(url, query, headers=headers)
    else:
        response = getattr(cast.client(user), entry.method)(url, query)
    expected = entry.inside[actor]
    if place == "outside" and actor != "anonymous" and not entry.public:
        expected = 404
    assert response.status_code == expected, f"{entry.method.upper()} {url} as {actor}"


def test_it_answers_404_for_an_assignment_of_another_commune_under_ones_own_url(
    cast: Cast,
) -> None:
    outsider = cast.thu.assignments.first()
    assert outsider is not None
    url = reverse("people:revoke", kwargs={"unit_code": cast.commune_a.code, "pk": outsider.pk})
    assert cast.client(cast.hoa).post(url).status_code == 404
    assert Assignment.objects.filter(pk=outsider.pk).exists()


def test_it_answers_404_for_another_communes_member_under_ones_own_url(cast: Cast) -> None:
    theirs = make_member(cast.branch_b1, "Lê Thị Thu")
    for name in ("members:detail", "members:edit", "members:sensitive", "members:transfer"):
        url = reverse(name, kwargs={"unit_code": cast.commune_a.code, "pk": theirs.pk})
        assert cast.client(cast.hoa).get(url).status_code == 404, name


# --- The member import's field permissions ------------------------------------------------------
# What each role may write through the import into a member's record: exactly what the member
# form lets that role edit. The viewer may not import at all.
_IMPORTED = {"full_name", "phone", "citizen_id", "ethnicity", "religion", "occupation"}
IMPORT_FIELDS: dict[str, set[str]] = {
    "admin": _IMPORTED,
    "cadre": _IMPORTED,
    "branch_head": _IMPORTED - {"citizen_id", "ethnicity", "religion"},
    "viewer": set(),
}


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_the_import_writes_the_fields_the_member_form_lets_the_role_edit(
    cast: Cast, actor: str
) -> None:
    user = _actor(cast, actor)
    member = make_member(
        cast.branch_a1,
        "Đỗ Thị Mơ",
        citizen_id="066185000123",
        ethnicity=12,
        religion=Religion.PROTESTANTISM,
        phone="0987654321",
        card_number="DL0001",
    )
    before = {f: getattr(member, f) for f in _IMPORTED}
    header = [
        "Họ và tên",
        "Ngày sinh",
        "Số thẻ",
        "Số CCCD",
        "SĐT",
        "Dân tộc",
        "Tôn giáo",
        "Nghề nghiệp",
    ]
    row = [
        "Đỗ Thị Mơ Mai",
        dt.date(1985, 3, 5),
        "DL0001",
        "066185000999",
        "0912000999",
        "Kinh",
        "Phật giáo",
        "Làm ruộng",
    ]
    imp = MemberImport.objects.create(user=user, unit=cast.branch_a1, filename="ds.xlsx")
    xlsx(files.source_path(imp), {"DS": [header, row]})
    jobs.analyse_import.call(str(imp.pk))
    jobs.commit_import.call(str(imp.pk))
    imp.refresh_from_db()
    member = Member.objects.get(pk=member.pk)
    changed = {f for f in _IMPORTED if getattr(member, f) != before[f]}
    assert changed == IMPORT_FIELDS[actor], actor
    assert (imp.status == ImportStatus.DONE) == bool(IMPORT_FIELDS[actor])
    # The member form, as the pages build it for this role, offers the same fields.
    perms = permissions_of({a.role for a in user.assignments.all()})
    form = MemberForm(unit=cast.branch_a1, sensitive=VIEW_SENSITIVE in perms, placing=False)
    offered = set(form.fields) & _IMPORTED if CHANGE_MEMBERS in perms else set()
    assert offered == IMPORT_FIELDS[actor]
