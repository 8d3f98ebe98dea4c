"""Reading progress: recorded when a Guide is opened and read, and shown on the dashboard and track page."""

import pytest
from django.urls import reverse

from lessons import services
from lessons.models import Lesson, LessonProgress
from tests.factories import ExtensionTrackFactory, LessonFactory, ModuleFactory
from tests.lessons.pages import parse

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def progress_url(lesson) -> str:
    return reverse("lessons:progress", kwargs={"slug": lesson.slug})


def continue_link(client):
    card = parse(client.get(reverse("dashboard"))).one("section", cls="continue-card")
    return card, card.one("a")


@pytest.fixture
def lesson(make_lesson):
    return make_lesson(sections=3, title="What Skills Does a Music Producer Need?", number=3, position=3)


def sections_of(lesson):
    return list(lesson.sections.order_by("position"))


# --- Opening and reading ---------------------------------------------------------------


def test_opening_a_lesson_records_progress_once(student_client, student, lesson):
    """The first visit creates the student's progress; a second visit adds no row."""
    assert not LessonProgress.objects.filter(user=student).exists()

    student_client.get(lesson.get_absolute_url())
    first = LessonProgress.objects.get(user=student, lesson=lesson)
    student_client.get(lesson.get_absolute_url())

    assert LessonProgress.objects.filter(user=student, lesson=lesson).count() == 1
    assert LessonProgress.objects.get(user=student, lesson=lesson).started_at == first.started_at
    assert first.furthest_section is None
    assert first.completed_at is None


def test_an_opened_lesson_shows_in_progress_on_its_page(student_client, lesson):
    """After the first visit the Guide's header says "In progress"."""
    student_client.get(lesson.get_absolute_url())

    header = parse(student_client.get(lesson.get_absolute_url())).one("header", cls="lesson__header")

    assert "In progress" in header.text


def test_reading_moves_the_furthest_section_forward_never_back(student_client, student, lesson):
    """Posting a later section moves the resume point on; an earlier one leaves it where it was."""
    first, second, third = sections_of(lesson)

    moved = student_client.post(progress_url(lesson), {"section": second.pk}, **JSON)
    assert moved.status_code == 200
    assert moved.json() == {"furthest_section": second.pk, "guide_finished": False, "preview": False}

    back = student_client.post(progress_url(lesson), {"section": first.pk}, **JSON)
    assert back.status_code == 200
    assert back.json()["furthest_section"] == second.pk

    on = student_client.post(progress_url(lesson), {"section": third.pk}, **JSON)
    assert on.json()["furthest_section"] == third.pk
    progress = LessonProgress.objects.get(user=student, lesson=lesson)
    assert (progress.furthest_section_id, progress.furthest_position) == (third.pk, third.position)
    assert LessonProgress.objects.filter(user=student).count() == 1


def test_the_page_tells_its_script_how_far_the_student_has_read(student_client, lesson):
    """The Guide carries the furthest position so its script resumes there."""
    second = sections_of(lesson)[1]
    student_client.post(progress_url(lesson), {"section": second.pk}, **JSON)

    article = parse(student_client.get(lesson.get_absolute_url())).one("article", cls="lesson")

    assert article.attrs["data-furthest"] == str(second.position)
    assert article.attrs["data-progress-url"] == progress_url(lesson)


def test_a_section_of_another_lesson_is_refused_naming_section(student_client, student, lesson, make_lesson):
    """A section id from a different lesson answers 400 with an error on `section`, and moves nothing."""
    elsewhere = sections_of(make_lesson(sections=2))[1]
    student_client.get(lesson.get_absolute_url())

    response = student_client.post(progress_url(lesson), {"section": elsewhere.pk}, **JSON)

    assert response.status_code == 400
    assert "section" in response.json()["errors"]
    assert LessonProgress.objects.get(user=student, lesson=lesson).furthest_section is None


@pytest.mark.parametrize("value", ["not-a-number", "0", "-3"])
def test_a_malformed_section_is_refused_naming_section(student_client, lesson, value):
    """A section that is not a positive number answers 400 with an error on `section`."""
    response = student_client.post(progress_url(lesson), {"section": value}, **JSON)

    assert response.status_code == 400
    assert "section" in response.json()["errors"]


def test_finished_marks_the_guide_read(student_client, student, lesson):
    """`finished=on` records the Guide as read, once, without marking the lesson done."""
    response = student_client.post(progress_url(lesson), {"finished": "on"}, **JSON)

    assert response.status_code == 200
    assert response.json()["guide_finished"] is True
    progress = LessonProgress.objects.get(user=student, lesson=lesson)
    finished_at = progress.guide_finished_at
    assert finished_at is not None
    assert progress.completed_at is None

    student_client.post(progress_url(lesson), {"finished": "on"}, **JSON)
    assert LessonProgress.objects.get(user=student, lesson=lesson).guide_finished_at == finished_at


def test_the_finish_form_redirects_back_to_the_lesson(student_client, student, lesson):
    """Without JSON, the "Mark the Guide as read" form redirects back to the lesson."""
    response = student_client.post(progress_url(lesson), {"finished": "on", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response.url == lesson.get_absolute_url()
    assert LessonProgress.objects.get(user=student, lesson=lesson).guide_finished_at is not None


def test_a_get_on_the_progress_url_records_nothing_and_leads_to_the_lesson(student_client, student, lesson):
    """The way back from the login page after a signed-out "Mark the Guide as read": never a 405."""
    response = student_client.get(progress_url(lesson))

    assert response.status_code == 302 and response.url == lesson.get_absolute_url()
    assert not LessonProgress.objects.filter(user=student, lesson=lesson).exists()


def test_anonymous_progress_is_sent_to_login_and_records_nothing(client, lesson):
    """Without a login, posting progress redirects to the login page and writes no row."""
    response = client.post(progress_url(lesson), {"finished": "on"}, **JSON)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not LessonProgress.objects.exists()


def test_progress_belongs_to_the_student_who_read(student_client, student, other_student, lesson):
    """One student's reading does not move another's."""
    services.progress_record(user=other_student, lesson=lesson, section=sections_of(lesson)[2])

    student_client.post(progress_url(lesson), {"section": sections_of(lesson)[0].pk}, **JSON)

    assert LessonProgress.objects.get(user=student).furthest_section == sections_of(lesson)[0]
    assert LessonProgress.objects.get(user=other_student).furthest_section == sections_of(lesson)[2]


# --- Continue on the dashboard -------------------------------------------------------------


def test_continue_links_to_the_furthest_section_of_the_lesson_being_read(student_client, lesson):
    """The dashboard's Continue button opens the lesson at the furthest section's anchor."""
    second = sections_of(lesson)[1]
    student_client.post(progress_url(lesson), {"section": second.pk}, **JSON)

    card, link = continue_link(student_client)

    assert link.attrs["href"] == f"/lessons/{lesson.slug}/#{second.anchor}"
    assert link.text == "Continue reading"
    assert "Lesson 3: What Skills Does a Music Producer Need?" in card.text


def test_continue_without_progress_links_to_the_first_core_track_lesson(student_client, why_module, core_track):
    """With nothing read yet, Continue starts the first Core Track lesson (not an Extension Course's)."""
    extension = ModuleFactory(track=ExtensionTrackFactory(position=0), position=0)
    LessonFactory(module=extension, position=0, number=1)
    later_module = ModuleFactory(track=core_track, position=2)
    LessonFactory(module=later_module, position=0, number=2)
    first = LessonFactory(module=why_module, position=1, number=1, title="Why learn anything?")
    LessonFactory(module=why_module, position=0, number=9, status=Lesson.Status.DRAFT)

    card, link = continue_link(student_client)

    assert link.attrs["href"] == first.get_absolute_url()
    assert link.text == "Start the lesson"
    assert "Lesson 1: Why learn anything?" in card.text


def test_continue_skips_lessons_already_done(student_client, student, why_module):
    """With the first lesson done and nothing in progress, Continue starts the next one."""
    first = LessonFactory(module=why_module, position=1, number=1)
    second = LessonFactory(module=why_module, position=2, number=2)
    services.progress_mark_done(user=student, lesson=first)

    _, link = continue_link(student_client)

    assert link.attrs["href"] == second.get_absolute_url()


def test_another_students_completion_does_not_move_my_continue(student_client, other_student, why_module):
    """Someone else finishing the first lesson leaves my Continue on it."""
    first = LessonFactory(module=why_module, position=1, number=1)
    LessonFactory(module=why_module, position=2, number=2)
    services.progress_mark_done(user=other_student, lesson=first)

    _, link = continue_link(student_client)

    assert link.attrs["href"] == first.get_absolute_url()


def test_continue_says_well_done_when_every_core_lesson_is_done(student_client, student, why_module):
    """With the whole Core Track done, the Continue card congratulates instead of linking."""
    for position in (1, 2):
        services.progress_mark_done(user=student, lesson=LessonFactory(module=why_module, position=position))

    card = parse(student_client.get(reverse("dashboard"))).one("section", cls="continue-card")

    assert card.select("a") == []
    assert "You have finished every lesson in the Core Track." in card.text


# --- States on the track page ----------------------------------------------------------------


def test_track_page_shows_done_in_progress_and_not_started(student_client, student, why_module, core_track):
    """Each lesson on the track page shows the student's state: Done, In progress or Not started."""
    done = LessonFactory(module=why_module, position=1, title="Finished one")
    reading = LessonFactory(module=why_module, position=2, title="Half-read one")
    untouched = LessonFactory(module=why_module, position=3, title="Untouched one")
    services.progress_mark_done(user=student, lesson=done)
    student_client.get(reading.get_absolute_url())

    page = parse(student_client.get(core_track.get_absolute_url()))

    rows = {
        row.one("span", cls="lesson-list__title").text: row.one("span", cls="badge").text
        for row in page.select("li", cls="lesson-list__item")
    }
    assert rows == {
        done.title: "✓ Done",
        reading.title: "◐ In progress",
        untouched.title: "○ Not started",
    }
    assert "1 of 3 lessons done" in page.one("p", cls="track-progress").text
    assert not LessonProgress.objects.filter(lesson=untouched).exists()


def test_marking_done_twice_keeps_the_first_completion(student, lesson):
    """progress_mark_done is idempotent: the completion time does not move."""
    first = services.progress_mark_done(user=student, lesson=lesson).completed_at

    again = services.progress_mark_done(user=student, lesson=lesson)

    assert again.completed_at == first
    assert again.guide_finished_at is not None
    assert LessonProgress.objects.filter(user=student, lesson=lesson).count() == 1
