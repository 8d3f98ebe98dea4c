"""`GET /api/v1/dashboard/` answers what the web dashboard shows; unlock notices are read once, on either door."""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import dateformat
from rest_framework.test import APIClient

from accounts.models import User
from assessments import selectors, services
from lessons import selectors as lesson_selectors
from lessons import services as lesson_services
from lessons.models import Lesson
from tests.api.conftest import ratings, words

DEMO_LESSON = "what-skills-does-a-music-producer-need"


def test_a_new_student_is_sent_to_the_first_core_lesson(api_client, course):
    body = api_client.get("/api/v1/dashboard/").json()

    assert body["returning"] is False
    assert body["continue_point"]["started"] is False
    assert body["continue_point"]["lesson"]["slug"] == "skills"
    assert body["continue_point"]["anchor"] == ""
    assert body["retake_due"] is None
    assert body["unlock_notices"] == []
    assert [t["slug"] for t in body["core_tracks"]] == [course.track.slug]
    assert body["core_tracks"][0]["done_count"] == 0 and body["core_tracks"][0]["lesson_count"] == 2
    locked = body["extension_tracks"][0]
    assert (locked["slug"], locked["is_open"], locked["points_needed"]) == ("studio-culture", False, 30)
    assert body["next_unlock"] == {"track": {"slug": "studio-culture", "title": "Studio Culture"},
                                   "threshold": 30, "needed": 30}


def test_unlock_notices_stay_until_marked_read_and_are_marked_once(api_client, student, course):
    services.reflection_save(user=student, step=course.patterns, text=words(12, "alpha"))
    services.reflection_save(user=student, step=course.goals, text=words(12, "beta"))

    first = api_client.get("/api/v1/dashboard/").json()
    again = api_client.get("/api/v1/dashboard/").json()
    assert [n["track"]["slug"] for n in first["unlock_notices"]] == ["studio-culture"]
    assert again["unlock_notices"] == first["unlock_notices"], "reading does not mark them read"

    marked = api_client.post("/api/v1/dashboard/notices/read/", {"tracks": ["studio-culture"]}, format="json")
    assert marked.status_code == 200
    assert marked.json() == {"marked": [{"slug": "studio-culture", "title": "Studio Culture"}], "unlock_notices": []}
    assert api_client.post("/api/v1/dashboard/notices/read/", {}, format="json").json()["marked"] == []
    assert api_client.get("/api/v1/dashboard/").json()["unlock_notices"] == []


def test_marking_only_some_notices_leaves_the_others(api_client, student, course):
    services.reflection_save(user=student, step=course.patterns, text=words(12, "alpha"))
    services.reflection_save(user=student, step=course.goals, text=words(12, "beta"))

    marked = api_client.post("/api/v1/dashboard/notices/read/", {"tracks": ["another-course"]}, format="json")

    assert marked.json()["marked"] == []
    assert [n["track"]["slug"] for n in marked.json()["unlock_notices"]] == ["studio-culture"]


def test_the_web_dashboard_marks_notices_it_shows_read_for_the_api_too(api_client, student, student_client, course):
    services.reflection_save(user=student, step=course.patterns, text=words(12, "alpha"))
    services.reflection_save(user=student, step=course.goals, text=words(12, "beta"))

    page = student_client.get("/").content.decode()

    assert "You unlocked Studio Culture" in page
    assert api_client.get("/api/v1/dashboard/").json()["unlock_notices"] == []
    assert "You unlocked" not in student_client.get("/").content.decode()


def test_the_dashboard_runs_a_fixed_number_of_queries(api_client, student, course, django_assert_max_num_queries):
    services.snapshot_record(user=student, turn=course.turn, ratings=ratings())
    # Built: the session with its user, the course versions (the answer's cache key), then the dashboard.
    with django_assert_max_num_queries(11):
        assert api_client.get("/api/v1/dashboard/").status_code == 200
    # Again, nothing changed: served from the student's answer cache, keyed on the versions read with the session.
    with django_assert_max_num_queries(1):
        assert api_client.get("/api/v1/dashboard/").status_code == 200


@pytest.fixture
def demo_student(db):
    """The demo course and logins, with the demo student part-way through Lesson 3 and an unlock earned."""
    call_command("load_demo", stdout=io.StringIO())
    student = User.objects.get(email="student@example.com")
    lesson = Lesson.objects.get(slug=DEMO_LESSON)
    sections = lesson_selectors.lesson_content(lesson=lesson).sections
    lesson_services.progress_record(user=student, lesson=lesson, section=sections[2], finished=False)
    turn = selectors.turn_get(lesson=lesson)
    categories = selectors.turn_definition(lesson=lesson).categories
    services.snapshot_record(user=student, turn=turn, ratings={c.slug: 5 + i % 3 for i, c in enumerate(categories)})
    for step in selectors.turn_definition(lesson=lesson).steps:
        if step.takes_reflection and step.points:
            text = words(max(step.min_words, 10) + 5, f"t{step.number}x")
            services.reflection_save(user=student, step=step, text=text)
    student.refresh_from_db()
    return student


def test_the_api_dashboard_says_what_the_web_dashboard_shows_for_the_demo_student(demo_student):
    api = APIClient()
    api.force_authenticate(demo_student)
    web = Client()
    web.force_login(demo_student)

    data = api.get("/api/v1/dashboard/").json()  # first: the page marks notices read
    page = html.unescape(web.get("/").content.decode())

    assert data["returning"] is True and "Welcome back" in page
    cont = data["continue_point"]
    assert cont["started"] is True and "You were reading" in page
    assert f"Lesson {cont['lesson']['number']}: {cont['lesson']['title']}" in page
    assert f"/lessons/{cont['lesson']['slug']}/#{cont['anchor']}" in page
    for track in data["core_tracks"]:
        assert track["title"] in page
        assert f"{track['done_count']} of {track['lesson_count']} lessons done" in page
        assert f'aria-valuenow="{track["percent_done"]}"' in page
    for track in data["extension_tracks"]:
        assert track["title"] in page
        if not track["is_open"]:
            assert f"Unlocks at {track['unlock_threshold']} Depth points" in page
    assert f"You have {data['depth_points']} Depth points" in page
    assert data["depth_points"] == demo_student.depth_points > 0
    due = dateformat.format(selectors.retake_due(user=demo_student), "j F Y")
    assert data["retake_due"] == selectors.retake_due(user=demo_student).isoformat()
    assert f"Retake your self-assessment on <strong>{due}</strong>" in page
    assert data["unlock_notices"], "the demo student's points unlock an Extension Course"
    for notice in data["unlock_notices"]:
        assert f"You unlocked {notice['track']['title']}" in page
    assert len(re.findall(r'class="unlock-notice', page)) == len(data["unlock_notices"])
