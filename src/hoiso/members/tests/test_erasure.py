"""An erasure reaches every copy of her data (audit log, training records, generated files), and
generated files are deleted after the retention period (issue 10, item 7)."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from hoiso.activities.services import course_create, trainee_add
from hoiso.conftest import Cast, make_member
from hoiso.core import audit
from hoiso.core.models import AuditEvent
from hoiso.members.export import export_create
from hoiso.members.importing import files
from hoiso.members.models import ImportStatus, Member, MemberExport, MemberImport
from hoiso.members.retention import export_path, files_purge
from hoiso.members.services import member_account_enable, member_erase, member_update

NAME, CID, PHONE = "Nguyễn Thị Bình", "066185000123", "0987654321"


@pytest.fixture
def binh(cast: Cast) -> Member:
    return make_member(cast.branch_a1, NAME, citizen_id=CID, phone=PHONE)


def _export(cast: Cast, unit, capture) -> MemberExport:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        export = export_create(actor=cast.lan, unit=unit, filters={}, fmt="csv", sensitive=True)
    assert export_path(export).exists()
    return export


def _import(cast: Cast, unit, preview: dict | None = None) -> MemberImport:  # type: ignore[no-untyped-def]
    """An import waiting in preview, with the three files the worker leaves."""
    imp = MemberImport.objects.create(
        user=cast.lan, unit=unit, filename="ds.csv", status=ImportStatus.PREVIEW
    )
    files.source_path(imp).write_text(f"Họ và tên,Số CCCD\n{NAME},{CID}\n", encoding="utf-8")
    files.errors_path(imp).write_bytes(b"PK")
    data = preview or {"rows": [{"name": "Lê Thị Hoa", "match": "", "changes": []}]}
    files.preview_path(imp).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return imp


def _files(imp: MemberImport) -> list[Path]:
    folder = files.preview_path(imp).parent
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_audit_log_keeps_who_did_what_but_not_her_name(cast: Cast, binh: Member) -> None:
    user, _password = member_account_enable(actor=cast.hoa, member=binh)
    audit.log(user, "account.logged_in", user, unit=cast.branch_a1)  # her account, her name
    member_update(actor=cast.hoa, member=binh, data={"occupation": "Giáo viên"})
    before = AuditEvent.objects.filter(object_id=str(binh.pk)).count()
    assert AuditEvent.objects.filter(object_repr__contains="Bình").exists()
    member_erase(actor=cast.hoa, member=binh)
    for event in AuditEvent.objects.all():
        text = event.object_repr + json.dumps(event.data, ensure_ascii=False)
        assert "Bình" not in text and CID not in text and PHONE not in text, event.action
    # Every record is still there, with its actor, action and time.
    assert AuditEvent.objects.filter(object_id=str(binh.pk)).count() == before + 1
    assert AuditEvent.objects.filter(action="member.account_enabled", actor=cast.hoa).exists()


def test_her_training_record_stays_without_her_name(cast: Cast, binh: Member) -> None:
    course = course_create(
        actor=None, organiser=cast.province,
        data={"title": "Kỹ năng số", "topic": "member_software",
              "starts_on": dt.date(2025, 5, 1), "ends_on": dt.date(2025, 5, 2)},
    )  # fmt: skip
    trainee = trainee_add(actor=cast.lan, course=course, member=binh)
    member_erase(actor=cast.hoa, member=binh)
    trainee.refresh_from_db()
    assert "Bình" not in trainee.full_name
    event = AuditEvent.objects.get(action="course.trainee_added")
    assert "Bình" not in event.object_repr


def test_an_erasure_deletes_the_files_that_may_name_her(
    cast: Cast, binh: Member, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    capture = django_capture_on_commit_callbacks
    province_export = _export(cast, cast.province, capture)
    other_export = _export(cast, cast.commune_b, capture)
    own_import = _import(cast, cast.commune_a)
    # Commune B's file matched her by her ID number: its preview names her.
    naming = _import(cast, cast.commune_b, {"rows": [{"name": "Binh", "match": f"CCCD {CID}"}]})
    unrelated = _import(cast, cast.commune_b)
    with capture(execute=True):
        member_erase(actor=cast.hoa, member=binh)
    assert not export_path(province_export).exists()
    province_export.refresh_from_db()
    assert province_export.error and not province_export.ready
    assert export_path(other_export).exists()
    for imp in (own_import, naming):
        assert _files(imp) == []
        imp.refresh_from_db()
        assert imp.status == ImportStatus.CANCELLED and imp.error
    assert len(_files(unrelated)) == 3
    unrelated.refresh_from_db()
    assert unrelated.status == ImportStatus.PREVIEW
    # Her import's page says why it stopped.
    page = cast.client(cast.lan).get(f"/u/{cast.commune_a.code}/members/imports/{own_import.pk}/")
    assert html.escape(own_import.error) in page.text
    # The download now says the file is gone, rather than serving it.
    url = f"/u/{cast.province.code}/members/exports/{province_export.pk}/file/"
    assert cast.client(cast.lan).get(url).status_code == 404


def test_generated_files_are_deleted_after_the_retention_period(
    cast: Cast, binh: Member, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.GENERATED_FILES_RETENTION_DAYS = 3
    capture = django_capture_on_commit_callbacks
    old_export, new_export = (
        _export(cast, cast.commune_a, capture),
        _export(cast, cast.commune_a, capture),
    )
    old_import, new_import = _import(cast, cast.commune_a), _import(cast, cast.commune_a)
    long_ago = timezone.now() - dt.timedelta(days=4)
    MemberExport.objects.filter(pk=old_export.pk).update(created_at=long_ago)
    MemberImport.objects.filter(pk=old_import.pk).update(updated_at=long_ago)
    stray = export_path(old_export).with_name("left-behind.xlsx")
    stray.write_bytes(b"PK")
    os.utime(stray, (long_ago.timestamp(), long_ago.timestamp()))

    call_command("purge_files", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert not export_path(old_export).exists() and not stray.exists()
    old_export.refresh_from_db()
    assert "3" in old_export.error
    assert export_path(new_export).exists()
    assert _files(old_import) == []
    old_import.refresh_from_db()
    assert old_import.status == ImportStatus.CANCELLED
    assert len(_files(new_import)) == 3
    # A second run finds nothing more to do.
    assert files_purge().exports == 0
