"""Surveys: writing one, opening it (and telling the members), one answer per member even under
two submits at once, and the results against counts made by hand."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.conftest import Cast, make_member
from hoiso.members.models import Member
from hoiso.notifications.models import Message
from hoiso.voices import surveys
from hoiso.voices.models import QuestionKind, Response, Survey


def _survey(cast: Cast, unit: Any = None) -> Survey:
    survey = surveys.survey_create(
        actor=cast.hoa, unit=unit or cast.commune_a, title="Nhu cầu học kỹ năng số",
        intro="", closes_on=timezone.localdate() + dt.timedelta(days=10),
    )  # fmt: skip
    surveys.question_add(actor=cast.hoa, survey=survey, kind=QuestionKind.ONE,
                         text="Chị có điện thoại thông minh không?", options="Có\nKhông\n\nCó",
                         required=True)  # fmt: skip
    surveys.question_add(actor=cast.hoa, survey=survey, kind=QuestionKind.MANY,
                         text="Chị muốn học gì?", options="Zalo\nBán hàng online\nVNeID",
                         required=False)  # fmt: skip
    surveys.question_add(actor=cast.hoa, survey=survey, kind=QuestionKind.SCALE,
                         text="Chị cần lớp học đến mức nào?", options="", required=True)  # fmt: skip
    return survey


def _data(**fields: Any) -> QueryDict:
    q = QueryDict(mutable=True)
    for k, v in fields.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    return q


def _answers(survey: Survey, one: int, many: list[int], scale: int) -> QueryDict:
    q1, q2, q3 = survey.questions.all()
    return _data(**{f"q{q1.pk}": str(one), f"q{q2.pk}": [str(m) for m in many],
                    f"q{q3.pk}": str(scale)})  # fmt: skip


def test_choices_are_cleaned_and_a_survey_opens_only_with_questions(cast: Cast) -> None:
    survey = _survey(cast)
    assert survey.questions.first().options == ["Có", "Không"]  # blank and repeated lines dropped
    with pytest.raises(ValidationError):
        surveys.question_add(actor=cast.hoa, survey=survey, kind=QuestionKind.ONE, text="?",
                             options="Chỉ một", required=True)  # fmt: skip
    empty = surveys.survey_create(actor=cast.hoa, unit=cast.commune_a, title="Trống", intro="",
                                  closes_on=timezone.localdate())  # fmt: skip
    with pytest.raises(ValidationError):
        surveys.survey_open(actor=cast.hoa, survey=empty, tell=False)


def test_opening_tells_the_members_of_the_subtree_once(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    inside = [
        make_member(cast.branch_a1, "Nguyễn Thị An"),
        make_member(cast.branch_a2, "Lê Thị Ba"),
    ]
    make_member(cast.branch_b1, "Trần Thị Cư")  # another commune
    survey = _survey(cast)
    with django_capture_on_commit_callbacks(execute=True):
        told = surveys.survey_open(actor=cast.hoa, survey=survey, tell=True)
        again = surveys.survey_open(actor=cast.hoa, survey=survey, tell=True)
    assert (told, again) == (2, 0)
    assert {m.member_id for m in Message.objects.filter(kind="survey")} == {m.pk for m in inside}
    with pytest.raises(ValidationError):  # open: the questions no longer change
        surveys.question_add(actor=cast.hoa, survey=survey, kind=QuestionKind.TEXT, text="?",
                             options="", required=False)  # fmt: skip


def test_answers_are_checked_question_by_question(cast: Cast) -> None:
    member = make_member(cast.branch_a1)
    survey = _survey(cast)
    surveys.survey_open(actor=cast.hoa, survey=survey, tell=False)
    q1, _q2, q3 = survey.questions.all()
    with pytest.raises(ValidationError) as caught:
        surveys.response_submit(survey=survey, member=member,
                                data=_data(**{f"q{q1.pk}": "7", f"q{q3.pk}": ""}))  # fmt: skip
    errors = caught.value.message_dict
    assert set(errors) == {f"q{q1.pk}", f"q{q3.pk}"}  # a choice that is none, a missing answer
    outsider = make_member(cast.branch_b1)
    with pytest.raises(ValidationError):
        surveys.response_submit(survey=survey, member=outsider, data=_answers(survey, 0, [], 3))


def test_a_second_answer_is_refused(cast: Cast) -> None:
    member = make_member(cast.branch_a1)
    survey = _survey(cast)
    surveys.survey_open(actor=cast.hoa, survey=survey, tell=False)
    surveys.response_submit(survey=survey, member=member, data=_answers(survey, 0, [1], 4))
    with pytest.raises(ValidationError):
        surveys.response_submit(survey=survey, member=member, data=_answers(survey, 1, [], 2))
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_make_one_answer(cast: Cast) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes one writer at a time: the race needs PostgreSQL")
    member = make_member(cast.branch_a1)
    survey = _survey(cast)
    surveys.survey_open(actor=cast.hoa, survey=survey, tell=False)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        barrier.wait()
        try:
            surveys.response_submit(survey=survey, member=member, data=_answers(survey, 0, [0], 5))
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Response.objects.filter(survey=survey, member=member).count() == 1


def test_results_match_a_count_by_hand(cast: Cast) -> None:
    cast.commune_a.is_border_area = True
    cast.commune_a.save(update_fields=["is_border_area"])
    survey = _survey(cast, unit=cast.province)
    surveys.survey_open(actor=cast.lan, survey=survey, tell=False)
    year = timezone.localdate().year
    people = [
        # (branch, born, ethnicity, one, many, scale)
        (cast.branch_a1, year - 25, 1, 0, [0, 1], 5),
        (cast.branch_a1, year - 40, 12, 0, [2], 4),
        (cast.branch_a2, year - 70, 1, 1, [], 1),
        (cast.branch_b1, year - 35, 12, 0, [1], 5),
    ]
    for n, (branch, born, ethnicity, one, many, scale) in enumerate(people):
        member = make_member(branch, f"Hội Viên {n}", birth_date=dt.date(born, 1, 1),
                             join_date=dt.date(born + 20, 1, 1), ethnicity=ethnicity)  # fmt: skip
        surveys.response_submit(
            survey=survey, member=member, data=_answers(survey, one, many, scale)
        )
    by_unit = surveys.results(survey, "unit")
    assert by_unit.responses == 4
    phone, learn, need = by_unit.questions
    a, b = cast.commune_a.path, cast.commune_b.path
    assert [r[1] for r in phone.rows("")] == [3, 1]
    assert [r[1] for r in phone.rows(a)] == [2, 1] and [r[1] for r in phone.rows(b)] == [1, 0]
    assert phone.rows(a)[0][2] == pytest.approx(200 / 3)
    assert [r[1] for r in learn.rows("")] == [1, 2, 1]  # Zalo, online selling, VNeID
    assert [r[1] for r in need.rows("")] == [1, 0, 0, 1, 2]  # the scale, 1 to 5
    by_age = surveys.results(survey, "age").questions[0]
    assert [r[1] for r in by_age.rows("18-30")] == [1, 0]
    assert [r[1] for r in by_age.rows("60+")] == [0, 1]
    by_ethnicity = surveys.results(survey, "ethnicity").questions[0]
    assert [r[1] for r in by_ethnicity.rows("minority")] == [2, 0]
    by_area = surveys.results(survey, "area").questions[0]
    assert [r[1] for r in by_area.rows("border")] == [2, 1]
    assert [r[1] for r in by_area.rows("other")] == [1, 0]


def test_the_pages_the_answer_form_and_the_export(cast: Cast) -> None:
    member = make_member(cast.branch_a1)
    member.user = User.objects.create_user(username="binh", full_name="Bình", password="x")
    member.save(update_fields=["user"])
    survey = _survey(cast)
    client = cast.client(cast.hoa)
    opened = client.post(f"/u/{cast.commune_a.code}/voices/surveys/{survey.pk}/open/")
    assert opened.status_code == 302
    page = cast.client(member.user).get("/me/voices/")
    assert survey.title in page.text  # an open survey waits for her on her page
    q1, q2, q3 = survey.questions.all()
    form = cast.client(member.user)
    missing = form.post(f"/khao-sat/{survey.pk}/", {f"q{q1.pk}": "0"})
    assert missing.status_code == 200 and "Vui lòng" in missing.text
    form.post(
        f"/khao-sat/{survey.pk}/", {f"q{q1.pk}": "0", f"q{q2.pk}": ["0", "2"], f"q{q3.pk}": "4"}
    )
    assert Response.objects.get().answers == {str(q1.pk): [0], str(q2.pk): [0, 2], str(q3.pk): 4}
    results = client.get(f"/u/{cast.commune_a.code}/voices/surveys/{survey.pk}/")
    assert results.context["results"].responses == 1
    export = client.get(f"/u/{cast.commune_a.code}/voices/surveys/{survey.pk}/export/")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert survey.title in cells and "Zalo" in cells
    assert Member.objects.count() == 1
