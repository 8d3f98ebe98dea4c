"""No cached read answer is ever stale: after every kind of student write, through the app's and the web's
doors, and after every kind of author edit, each cached read equals the same read built from scratch.

The reads are every answer `courseplatform.answers` caches: the lesson detail, a
track outline, the tracks, Depth points and the dashboard (API), the Guide page
and the dashboard (web). Each test reads them all first (so they are cached),
makes one change, then compares what the cache serves with a fresh build (the
answer cache bypassed). The admin-driven author edits are in
tests/assessments/test_content_changes.py, which checks through these same reads.
"""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from assessments import services
from courseplatform import answers
from lessons import services as lesson_services
from lessons.models import Lesson, Section
from tests.api.conftest import ratings, words
from tests.conftest import session_token

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def api_reads(course) -> list[str]:
    return [
        f"/api/v1/lessons/{course.lesson.slug}/",
        f"/api/v1/lessons/{course.ext_lesson.slug}/",
        f"/api/v1/tracks/{course.track.slug}/",
        f"/api/v1/tracks/{course.extension.slug}/",
        "/api/v1/tracks/",
        "/api/v1/depth-points/",
        "/api/v1/dashboard/",
    ]


def web_reads(course) -> list[str]:
    return [course.lesson.get_absolute_url(), course.next_lesson.get_absolute_url(), reverse("dashboard")]


class Student:
    """The student's phone (X-Session-Token) and browser (session cookie)."""

    def __init__(self, user: User, client) -> None:
        self.user = user
        self.api = APIClient()
        self.api.credentials(HTTP_X_SESSION_TOKEN=session_token(user))
        self.web = client
        self.web.force_login(user)


@pytest.fixture
def me(student, client) -> Student:
    return Student(student, client)


def read_all(me: Student, course, *, web_dashboard: bool = True) -> dict[str, tuple[int, bytes]]:
    seen = {}
    for url in api_reads(course):
        response = me.api.get(url)
        seen[url] = (response.status_code, response.content)
    for url in web_reads(course) if web_dashboard else web_reads(course)[:-1]:
        response = me.web.get(url)
        seen["web " + url] = (response.status_code, TOKEN.sub(b"csrf", response.content))
    return seen


def built_from_scratch(me: Student, course, monkeypatch, **options) -> dict[str, tuple[int, bytes]]:
    with monkeypatch.context() as patch:
        patch.setattr(caches["answers"], "get", lambda *args, **kwargs: None)
        return read_all(me, course, **options)


def assert_nothing_stale(me: Student, course, monkeypatch, change: Callable[[], object], **options) -> None:
    """`web_dashboard=False` leaves out the web dashboard, whose first view after an unlock marks its notice read."""
    read_all(me, course, **options)  # the first Guide visit starts the lesson: a change too
    read_all(me, course, **options)  # cached now
    before = sum(count for name, count in answers.STATS.items() if name.endswith(":hit"))
    third = read_all(me, course, **options)
    hits = sum(count for name, count in answers.STATS.items() if name.endswith(":hit")) - before
    assert hits == sum(status == 200 for status, _ in third.values()), "every 200 comes from the cache (403s never do)"

    change()
    # A web form's "Saved" message belongs to the next page, built afresh: let the profile page show it.
    me.web.get(reverse("profile"))

    cached = read_all(me, course, **options)
    fresh = built_from_scratch(me, course, monkeypatch, **options)
    stale = [url for url in fresh if cached[url] != fresh[url]]
    assert not stale, f"stale after the change: {stale}"


# --- Student writes, through the API (the phone) ----------------------------------------------

def api_writes(course) -> dict[str, Callable]:
    lesson = course.lesson.slug
    return {
        "progress: a section reached": lambda me: me.api.put(
            f"/api/v1/lessons/{lesson}/progress/", {"section": course.recall.pk}, format="json"),
        "progress: the Guide finished": lambda me: me.api.put(
            f"/api/v1/lessons/{lesson}/progress/", {"finished": True}, format="json"),
        "progress: another lesson started": lambda me: me.api.put(
            f"/api/v1/lessons/{course.next_lesson.slug}/progress/", {}, format="json"),
        "warm-up answers": lambda me: me.api.put(
            f"/api/v1/lessons/{lesson}/prompt-response/",
            {"answers": [{"text": "Mixing", "category": "technical"}, {"text": "Melody"}]}, format="json"),
        "warm-up draft": lambda me: me.api.put(
            f"/api/v1/lessons/{lesson}/prompt-response/draft/", {"answers": [{"text": "Half a thought"}]},
            format="json"),
        "rating (snapshot)": lambda me: me.api.post(
            f"/api/v1/lessons/{lesson}/your-turn/snapshots/", {"ratings": ratings()}, format="json"),
        "reflection that pays": lambda me: me.api.put(
            f"/api/v1/lessons/{lesson}/your-turn/reflections/2/", {"text": words(12)}, format="json"),
        "reflection draft": lambda me: me.api.put(
            f"/api/v1/lessons/{lesson}/your-turn/reflections/2/draft/", {"text": "Not finished"}, format="json"),
        "Turn complete": lambda me: (
            me.api.post(f"/api/v1/lessons/{lesson}/your-turn/snapshots/", {"ratings": ratings()}, format="json"),
            me.api.post(f"/api/v1/lessons/{lesson}/your-turn/complete/", format="json"),
        ),
        "profile": lambda me: me.api.patch("/api/v1/me/", {"display_name": "Renamed"}, format="json"),
    }


API_WRITES = [
    "progress: a section reached", "progress: the Guide finished", "progress: another lesson started",
    "warm-up answers", "warm-up draft", "rating (snapshot)", "reflection that pays", "reflection draft",
    "Turn complete", "profile",
]


@pytest.mark.parametrize("kind", API_WRITES)
def test_no_answer_is_stale_after_a_write_through_the_api(me, course, monkeypatch, kind):
    def change():
        results = api_writes(course)[kind](me)
        for response in results if isinstance(results, tuple) else (results,):
            assert response.status_code < 300, response.content[:300]

    assert_nothing_stale(me, course, monkeypatch, change)


def test_no_answer_is_stale_after_an_unlock_and_its_notice_read(me, course, monkeypatch):
    """Enough points open the Extension Course (its lesson turns from 403 to 200); reading the notice clears it."""
    def earn():
        for n in range(2):
            services.points_award(user=me.user, amount=20, reason="Bonus", source_key=f"bonus:{n}")
        assert services.unlocks_grant(user=me.user)

    assert_nothing_stale(me, course, monkeypatch, earn, web_dashboard=False)
    assert b"Studio Culture" in me.api.get("/api/v1/dashboard/").content
    assert_nothing_stale(me, course, monkeypatch, lambda: me.api.post(
        "/api/v1/dashboard/notices/read/", {}, format="json"), web_dashboard=False)


# --- Student writes, through the web (the browser) --------------------------------------------

def web_writes(course) -> dict[str, Callable]:
    lesson = course.lesson.slug
    return {
        "progress form": lambda me: me.web.post(
            reverse("lessons:progress", args=[lesson]), {"section": course.recall.pk, "finished": "on"}),
        "warm-up form": lambda me: me.web.post(
            reverse("prompt_answers", args=[lesson, course.prompt.pk]),
            {"answer_1": "Sound design", "category_1": "technical"}),
        "rating form": lambda me: me.web.post(
            reverse("turn_snapshot", args=[lesson]), {f"rating-{key}": value for key, value in ratings().items()}),
        "reflection form": lambda me: (
            me.web.post(reverse("turn_snapshot", args=[lesson]),
                        {f"rating-{key}": value for key, value in ratings().items()}),
            me.web.post(reverse("turn_reflection", args=[lesson, 2]), {"step2-text": words(12, "web")}),
        )[-1],
    }


@pytest.mark.parametrize("kind", ["progress form", "warm-up form", "rating form", "reflection form"])
def test_no_answer_is_stale_after_a_write_through_the_web(me, course, monkeypatch, kind):
    def change():
        response = web_writes(course)[kind](me)
        assert response.status_code in (200, 302), re.findall(r'error[^>]*>([^<]{3,})', response.content.decode())

    assert_nothing_stale(me, course, monkeypatch, change)


def test_the_web_dashboard_announces_an_unlock_once(me, course, monkeypatch):
    me.web.get(reverse("dashboard"))
    for n in range(2):
        services.points_award(user=me.user, amount=20, reason="Bonus", source_key=f"bonus:{n}")
    services.unlocks_grant(user=me.user)

    first = me.web.get(reverse("dashboard")).content.decode()
    second = me.web.get(reverse("dashboard")).content.decode()

    assert "Studio Culture" in first and "unlocked" in first.lower()
    assert first != second, "the notice is shown once, then the cached page without it"


def test_another_students_write_leaves_my_cached_answers_alone(me, course, other_student):
    read_all(me, course)
    read_all(me, course)
    before = dict(answers.STATS)

    services.snapshot_record(user=other_student, turn=course.turn, ratings=ratings())
    read_all(me, course)

    assert answers.STATS["lesson_detail:hit"] > before.get("lesson_detail:hit", 0)
    assert answers.STATS["guide:hit"] > before.get("guide:hit", 0)


LESSON_LOCAL_WRITES = {
    "rating (snapshot)": lambda me, course: me.api.post(
        f"/api/v1/lessons/{course.lesson.slug}/your-turn/snapshots/", {"ratings": ratings()}, format="json"),
    "reflection edit that pays nothing": lambda me, course: me.api.put(
        f"/api/v1/lessons/{course.lesson.slug}/your-turn/reflections/2/", {"text": "Too short to pay"},
        format="json"),
    "reflection draft": lambda me, course: me.api.put(
        f"/api/v1/lessons/{course.lesson.slug}/your-turn/reflections/2/draft/", {"text": "Not finished"},
        format="json"),
    "warm-up draft": lambda me, course: me.api.put(
        f"/api/v1/lessons/{course.lesson.slug}/prompt-response/draft/", {"answers": [{"text": "Half"}]},
        format="json"),
    "rating through the web form": lambda me, course: me.web.post(
        reverse("turn_snapshot", args=[course.lesson.slug]),
        {f"rating-{key}": value for key, value in ratings().items()}),
}


@pytest.mark.parametrize("kind", list(LESSON_LOCAL_WRITES))
def test_a_change_only_its_lesson_shows_leaves_every_other_answer_cached(me, course, monkeypatch, kind):
    """Its lesson's detail and Guide (and the dashboards, which show everything) are built again; the
    other lesson's Guide, the outlines, the tracks and Depth points still come from the cache, and
    nothing is stale."""
    read_all(me, course)
    read_all(me, course)
    before = answers.STATS.copy()

    response = LESSON_LOCAL_WRITES[kind](me, course)
    assert response.status_code in (200, 201, 302), response.content[:300]
    read_all(me, course)
    counts = answers.STATS - before

    # This lesson's built again; the locked Extension lesson is a 403, never cached, so built every time.
    assert counts["lesson_detail:miss"] == 2 and counts["lesson_detail:hit"] == 0
    assert counts["guide:miss"] == 1 and counts["guide:hit"] == 1  # this lesson's Guide built, the next one's not
    assert counts["track_outline:hit"] == 2 and counts["tracks:hit"] == 1 and counts["depth_points:hit"] == 1
    assert not any(counts[f"{name}:miss"] for name in ("track_outline", "tracks", "depth_points")), dict(counts)
    assert counts["dashboard:miss"] == 1 and counts["dashboard_page:miss"] == 1
    cached = read_all(me, course)
    fresh = built_from_scratch(me, course, monkeypatch)
    assert cached == fresh


@pytest.mark.parametrize("kind", ["warm-up answers", "reflection that pays", "progress: the Guide finished", "profile"])
def test_a_change_other_lessons_show_rebuilds_them(me, course, kind):
    """Warm-up answers are recalled in later lessons; points, progress and the profile show everywhere."""
    read_all(me, course)
    read_all(me, course)
    before = answers.STATS.copy()

    results = api_writes(course)[kind](me)
    assert results.status_code < 300, results.content[:300]
    read_all(me, course)
    counts = answers.STATS - before

    assert counts["guide:miss"] == 2 and counts["lesson_detail:miss"] == 2
    assert counts["tracks:miss"] == 1 and counts["depth_points:miss"] == 1 and counts["track_outline:miss"] == 2


# --- Author edits (through the content-change service, as the admin and the importers call it) -----

def edit_lesson_title(course):
    Lesson.objects.filter(pk=course.lesson.pk).update(title="Skills, Revisited")
    lesson_services.content_changed(lesson_ids=[course.lesson.pk], structure=True)


def edit_section(course):
    Section.objects.filter(pk=course.extra[0].pk if course.extra else course.recall.pk).update(
        heading="A heading an author changed")
    lesson_services.content_changed(lesson_ids=[course.lesson.pk])


def rename_track(course):
    course.track.title = "The Core, Renamed"
    course.track.save()
    lesson_services.content_changed(structure=True)


def unpublish_next_lesson(course):
    lesson_services.lessons_publish(lessons=Lesson.objects.filter(pk=course.next_lesson.pk), publish=False)


def publish_draft(course):
    lesson_services.lessons_publish(lessons=Lesson.objects.filter(pk=course.draft.pk), publish=True)


def raise_the_unlock_threshold(course):
    course.extension.unlock_threshold = 50
    course.extension.save()
    lesson_services.content_changed(structure=True)


def a_scheduled_lesson_comes_due(course):
    # Scheduled a minute ago: due now, with no change reported since (the first reader moves the version).
    Lesson.objects.filter(pk=course.draft.pk).update(status=Lesson.Status.PUBLISHED,
                                                      publish_at=timezone.now() + timedelta(hours=1))
    lesson_services.content_changed(lesson_ids=[course.draft.pk], structure=True)
    Lesson.objects.filter(pk=course.draft.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    from lessons.models import CourseVersion

    CourseVersion.objects.filter(pk=1).update(next_publication_at=timezone.now() - timedelta(minutes=1))


AUTHOR_EDITS = [edit_lesson_title, edit_section, rename_track, unpublish_next_lesson, publish_draft,
                raise_the_unlock_threshold, a_scheduled_lesson_comes_due]


@pytest.mark.parametrize("edit", AUTHOR_EDITS, ids=[e.__name__ for e in AUTHOR_EDITS])
def test_no_answer_is_stale_after_an_author_edit(me, course, monkeypatch, edit):
    assert_nothing_stale(me, course, monkeypatch, lambda: edit(course))


def test_staff_are_never_served_from_the_answer_cache(author, client, course):
    client.force_login(author)
    client.get(course.lesson.get_absolute_url())
    client.get(course.lesson.get_absolute_url())

    assert not any(name.endswith(":hit") for name in answers.STATS), dict(answers.STATS)


@pytest.fixture(autouse=True)
def _fresh_stats():
    answers.STATS.clear()
    yield
    answers.STATS.clear()


@pytest.mark.parametrize("edit", [edit_lesson_title, unpublish_next_lesson, publish_draft],
                         ids=["title", "unpublish", "publish"])
def test_the_outline_shows_an_author_edit_at_once(me, course, edit):
    """The outline's modules and lessons are cached for everyone per course version: an edit moves it."""
    def titles() -> list[str]:
        outline = me.api.get(f"/api/v1/tracks/{course.track.slug}/").json()
        return [lesson["title"] for module in outline["modules"] for lesson in module["lessons"]]

    before = titles()
    edit(course)
    after = titles()

    expected = {
        "edit_lesson_title": [t.replace(course.lesson.title, "Skills, Revisited") for t in before],
        "unpublish_next_lesson": [t for t in before if t != course.next_lesson.title],
        "publish_draft": [*before, course.draft.title],
    }[edit.__name__]
    assert after == expected


@pytest.mark.django_db
def test_a_lessons_api_read_finds_the_students_version_of_the_lesson_with_the_session(api_client, course):
    api_client.get("/api/v1/lessons/skills/")  # built and cached

    with CaptureQueriesContext(connection) as queries:
        assert api_client.get("/api/v1/lessons/skills/").status_code == 200

    [read] = [q["sql"] for q in queries.captured_queries]
    assert 'FROM "accounts_session"' in read and '"accounts_lessonversion"' in read and "courseversion" in read
