"""Who may open what: drafts are for authors, Extension Courses for students who unlocked them."""

import pytest
from django.urls import reverse

from lessons import services
from lessons.models import Lesson, LessonProgress, TrackUnlock
from tests.factories import ExtensionTrackFactory, LessonFactory, ModuleFactory, SectionFactory
from tests.lessons.pages import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(why_module):
    lesson = LessonFactory(module=why_module, title="An Unfinished Thought", status=Lesson.Status.DRAFT, slug="unfinished")
    SectionFactory(lesson=lesson, heading="Work in progress", body_md="Half-written draft text.")
    return lesson


@pytest.fixture
def studio_culture(db):
    """An Extension Course at 40 Depth points with one published lesson."""
    track = ExtensionTrackFactory(
        title="Studio Culture", slug="studio-culture", unlock_threshold=40, summary="Working with artists."
    )
    module = ModuleFactory(track=track, title="Working With Artists", slug="working-with-artists")
    lesson = LessonFactory(module=module, title="Reading the Room", slug="reading-the-room")
    SectionFactory(lesson=lesson, heading="Session etiquette", body_md="Arrive early and listen first.")
    return lesson


# --- Drafts ----------------------------------------------------------------------------


def test_a_draft_lesson_is_not_found_for_a_student(student_client, draft):
    """A student asking for a draft gets a 404, and its text is nowhere in the answer."""
    response = student_client.get(draft.get_absolute_url())

    assert response.status_code == 404
    assert "Half-written draft text." not in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_a_draft_lesson_is_absent_from_the_track_page_for_a_student(student_client, draft, make_lesson, core_track):
    """The track page lists published lessons only."""
    published = make_lesson(title="Already Out")

    page = parse(student_client.get(core_track.get_absolute_url()))

    titles = [el.text for el in page.select("span", cls="lesson-list__title")]
    assert titles == [published.title]
    assert draft.get_absolute_url() not in [a.attrs.get("href") for a in page.select("a")]
    assert "0 of 1 lessons done" in page.one("p", cls="track-progress").text


def test_staff_see_a_draft_with_a_draft_preview_banner(author_client, draft, core_track):
    """An author opens a draft and is told it is a preview students cannot see."""
    response = author_client.get(draft.get_absolute_url())

    page = parse(response)
    assert response.status_code == 200
    assert page.one("p", cls="draft-banner").text.startswith("Draft preview")
    assert page.one("h1").text == "An Unfinished Thought"
    assert "Half-written draft text." in page.one("div", cls="lesson__body").text
    track_page = parse(author_client.get(core_track.get_absolute_url()))
    assert "Draft" in track_page.one("li", cls="lesson-list__item").text


def test_a_published_lesson_has_no_draft_banner(student_client, make_lesson):
    """Students never see the draft banner on a published lesson."""
    lesson = make_lesson()

    response = student_client.get(lesson.get_absolute_url())

    assert response.status_code == 200
    assert "Draft preview" not in response.content.decode()


# --- Extension Courses ---------------------------------------------------------------------


def test_a_locked_extension_course_shows_what_unlocks_it(student_client, studio_culture):
    """The locked track page names the threshold, says Locked, and hides the lesson titles."""
    track = studio_culture.module.track

    response = student_client.get(track.get_absolute_url())

    page = parse(response)
    assert response.status_code == 200
    assert "Locked" in page.one("section", cls="locked").text
    assert page.one("h1").text == "Studio Culture"
    assert "This course opens when you reach 40 Depth points." in page.text
    assert "You have 0 Depth points: 40 to go." in page.text
    assert "Reading the Room" not in response.content.decode()
    assert "Working With Artists" not in response.content.decode()


def test_a_lesson_of_a_locked_course_answers_403_with_the_lock_page(student_client, studio_culture):
    """Opening a lesson of a locked course is refused with the lock page, without the lesson's content."""
    response = student_client.get(studio_culture.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 403
    assert "Locked" in parse(response).one("section", cls="locked").text
    assert "40 Depth points" in html
    assert "Reading the Room" not in html
    assert "Session etiquette" not in html
    assert "Arrive early and listen first." not in html
    assert not LessonProgress.objects.exists()


def test_progress_on_a_locked_lesson_is_refused(student_client, studio_culture):
    """Reading progress cannot be recorded for a lesson the student cannot open."""
    section = studio_culture.sections.get()

    response = student_client.post(
        reverse("lessons:progress", kwargs={"slug": studio_culture.slug}),
        {"section": section.pk},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


def test_an_unlocked_course_opens_its_track_and_lessons(student_client, student, studio_culture):
    """Once a TrackUnlock exists, the track lists its lessons and each lesson opens."""
    track = studio_culture.module.track

    unlock, created = services.track_unlock(user=student, track=track)

    assert created
    assert TrackUnlock.objects.filter(user=student, track=track).count() == 1
    track_page = student_client.get(track.get_absolute_url())
    assert track_page.status_code == 200
    assert "Locked" not in track_page.content.decode()
    assert [el.text for el in parse(track_page).select("span", cls="lesson-list__title")] == ["Reading the Room"]
    lesson_page = student_client.get(studio_culture.get_absolute_url())
    assert lesson_page.status_code == 200
    assert "Arrive early and listen first." in lesson_page.content.decode()


def test_unlocking_twice_keeps_one_unlock(student, studio_culture):
    """A second unlock of the same course writes nothing new."""
    track = studio_culture.module.track
    first, _ = services.track_unlock(user=student, track=track)

    again, created = services.track_unlock(user=student, track=track)

    assert not created
    assert again.pk == first.pk
    assert TrackUnlock.objects.count() == 1


def test_one_students_unlock_does_not_open_the_course_for_another(student_client, other_student, studio_culture):
    """Unlocks are per student."""
    services.track_unlock(user=other_student, track=studio_culture.module.track)

    assert student_client.get(studio_culture.get_absolute_url()).status_code == 403


def test_staff_can_open_a_locked_course_to_check_it(author_client, studio_culture):
    """Authors see every Extension Course without unlocking it."""
    assert author_client.get(studio_culture.module.track.get_absolute_url()).status_code == 200
    assert author_client.get(studio_culture.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/lessons/no-such-lesson/", "/tracks/no-such-track/", "/lessons/no-such-lesson/progress/"],
)
def test_an_unknown_slug_answers_404(student_client, url, make_lesson):
    """Unknown lessons and tracks are 404 (pages and the progress endpoint)."""
    make_lesson()

    response = student_client.post(url) if url.endswith("/progress/") else student_client.get(url)

    assert response.status_code == 404
