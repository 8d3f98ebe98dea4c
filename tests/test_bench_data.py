"""`manage.py load_bench_data` builds the benchmark's course and students, keeps them on a second run,
and issues session tokens that the API and the Guide page accept.

A smoke test at a tiny size; `make bench` builds the real one (100 lessons, 1,000 students).
"""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from assessments.models import PointsEntry, Reflection, SkillSnapshot, SnapshotRating, TurnCompletion
from lessons.models import FAQ, Lesson, LessonProgress, Section

pytestmark = pytest.mark.django_db

SMALL = {"students": 3, "lessons": 20, "sections": 2, "faqs": 1}


def load(tmp_path, **options) -> tuple[str, dict]:
    out = StringIO()
    manifest = tmp_path / "manifest.json"
    call_command("load_bench_data", **SMALL, tokens=2, manifest=manifest, stdout=out, **options)
    return out.getvalue(), json.loads(manifest.read_text())


def counts() -> dict[str, int]:
    models = [get_user_model(), Lesson, Section, FAQ, LessonProgress, SkillSnapshot, SnapshotRating, Reflection,
              PointsEntry, TurnCompletion]
    return {model.__name__: model.objects.count() for model in models}


def test_it_builds_the_course_and_each_students_history(tmp_path):
    load(tmp_path)

    students = get_user_model().objects.filter(email__endswith="@bench.softsynced.example")
    assert students.count() == 3
    assert Lesson.objects.filter(module__track__slug="bench-core").count() == 20
    assert Section.objects.filter(lesson__slug="bench-lesson-001").count() == 2
    assert FAQ.objects.filter(lesson__slug="bench-lesson-001").count() == 1
    for student in students:
        assert LessonProgress.objects.filter(user=student).count() == 20
        assert LessonProgress.objects.filter(user=student, completed_at__isnull=False).count() == 10
        assert SkillSnapshot.objects.filter(user=student).count() == 10
        assert Reflection.objects.filter(user=student).count() == 20
        assert TurnCompletion.objects.filter(user=student).count() == 10
        ledger = PointsEntry.objects.filter(user=student)
        assert ledger.count() == 20
        # The cached balance equals the ledger, as the services keep it for real students.
        assert student.depth_points == ledger.aggregate(total=Sum("amount"))["total"] == 100
    assert SnapshotRating.objects.count() == 3 * 10 * 5


def test_a_second_run_keeps_the_data_and_only_issues_new_tokens(tmp_path):
    _, first = load(tmp_path)
    before = counts()

    output, second = load(tmp_path)

    assert "keeping it" in output
    assert counts() == before
    assert {t["token"] for t in first["tokens"]}.isdisjoint(t["token"] for t in second["tokens"])


def test_reset_rebuilds_and_a_new_size_replaces_the_old_data(tmp_path):
    load(tmp_path)
    output, _ = load(tmp_path, reset=True)
    assert "Removed the previous bench data (3 students)" in output

    call_command("load_bench_data", students=5, lessons=20, sections=3, faqs=0, stdout=StringIO())

    assert get_user_model().objects.filter(email__endswith="@bench.softsynced.example").count() == 5
    assert Section.objects.filter(lesson__slug="bench-lesson-001").count() == 3
    assert LessonProgress.objects.count() == 5 * 20


def test_the_tokens_work_as_x_session_token_and_as_the_session_cookie(tmp_path, client):
    _, manifest = load(tmp_path)
    token = manifest["tokens"][0]["token"]

    api = client.get("/api/v1/depth-points/", HTTP_X_SESSION_TOKEN=token)
    assert api.status_code == 200
    assert api.json()["balance"] == 100

    client.cookies["sessionid"] = token
    page = client.get("/lessons/bench-lesson-001/")
    assert page.status_code == 200
    assert "bench-lesson-001" in page.content.decode()


def test_the_manifest_names_a_section_of_each_read_lesson_for_progress_writes(tmp_path):
    _, manifest = load(tmp_path)

    assert manifest["lessons"][:2] == ["bench-lesson-001", "bench-lesson-002"]
    assert len(manifest["progress_sections"]) == 20
    section = Section.objects.get(pk=manifest["progress_sections"]["bench-lesson-004"])
    assert section.lesson.slug == "bench-lesson-004"
    assert manifest["ratings"] == ["technical", "creative", "interpersonal", "business", "personal"]
