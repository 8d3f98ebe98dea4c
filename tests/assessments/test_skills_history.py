"""/skills/: history by framework, comparison, CSV; the retake date and reminders."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from assessments import services
from assessments.models import ReminderSent, SkillSnapshot
from tests.assessments.conftest import ratings
from tests.factories import UserFactory


def snap(user, course, **values):
    return services.snapshot_record(user=user, turn=course.turn, ratings=ratings(**values))


def test_skills_page_lists_snapshots_and_the_latest_ratings(student_client, student, course):
    snap(student, course, technical=3)
    snap(student, course, technical=9)
    page = student_client.get("/skills/").content.decode()
    assert "Producer skill spectrum" in page
    assert "<th scope=\"row\">Technical</th><td>9 / 10</td>" in page
    assert page.count('name="from"') == 1


def test_compare_two_snapshots_shows_the_change_per_category(student_client, student, course):
    before = snap(student, course, technical=3, business=5)
    after = snap(student, course, technical=7, business=4)
    page = student_client.get(f"/skills/?from={before.pk}&to={after.pk}").content.decode()
    assert "Change per category" in page
    assert "<td>3</td><td>7</td>" in page and "▲ +4" in page
    assert "▼ -1" in page
    assert 'id="radar-compare"' in page


def test_comparing_another_students_snapshot_is_404(student_client, student, course):
    mine = snap(student, course)
    theirs = snap(UserFactory(), course)
    assert student_client.get(f"/skills/?from={mine.pk}&to={theirs.pk}").status_code == 404
    assert student_client.get(f"/skills/?from={mine.pk}&to=abc").status_code == 404


def test_csv_download_has_one_row_per_snapshot_and_category(student_client, student, course):
    snap(student, course)
    snap(student, course)
    response = student_client.get("/skills/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["snapshot_id", "taken_at", "framework", "category", "rating"]
    assert len(rows) == 1 + 2 * 5


def test_skills_page_query_count_is_the_same_for_1_and_50_snapshots(
    student_client, student, course, django_assert_max_num_queries
):
    snap(student, course)
    with django_assert_max_num_queries(12) as one:
        student_client.get("/skills/")
    for _ in range(49):
        snap(student, course)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = student_client.get("/skills/")
    assert response.content.decode().count("<li>") >= 50


def test_dashboard_shows_the_retake_date_182_days_after_the_latest_snapshot(student_client, student, course):
    snapshot = snap(student, course)
    due = timezone.localdate(snapshot.created_at + timedelta(days=182))
    page = student_client.get("/").content.decode()
    assert f"{due.day} {due:%B %Y}" in page


@pytest.fixture
def due_student(course):
    user = UserFactory(reminders_opt_in=True)
    snapshot = snap(user, course)
    SkillSnapshot.objects.filter(pk=snapshot.pk).update(created_at=timezone.now() - timedelta(days=183))
    return user


def test_reminders_go_to_opted_in_due_students_once_per_due_date(due_student, course):
    not_opted = UserFactory(reminders_opt_in=False)
    snapshot = snap(not_opted, course)
    SkillSnapshot.objects.filter(pk=snapshot.pk).update(created_at=timezone.now() - timedelta(days=200))
    not_due = UserFactory(reminders_opt_in=True)
    snap(not_due, course)

    call_command("send_reassessment_reminders", stdout=io.StringIO())
    call_command("send_reassessment_reminders", stdout=io.StringIO())

    assert [m.to for m in mail.outbox] == [[due_student.email]]
    assert "retake" in mail.outbox[0].subject.lower()
    assert ReminderSent.objects.count() == 1


def test_a_new_snapshot_then_a_new_due_date_sends_again(due_student, course):
    SkillSnapshot.objects.filter(user=due_student).update(created_at=timezone.now() - timedelta(days=400))
    call_command("send_reassessment_reminders", stdout=io.StringIO())
    snapshot = snap(due_student, course)
    SkillSnapshot.objects.filter(pk=snapshot.pk).update(created_at=timezone.now() - timedelta(days=190))
    call_command("send_reassessment_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 2
