"""The lesson editor: one page for the lesson, its parts and its Your Turn; no typed positions or anchors.

Driven through the admin as an author's browser would post it (without the
drag-and-drop script: every field still works without JavaScript).
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import SkillCategory, Turn, TurnStep
from lessons.models import FAQ, Lesson, QuickReference, Section
from lessons.services import course_version
from tests.assessments.test_admin_archive import admin_form, row_prefix
from tests.factories import FAQFactory, QuickReferenceFactory, SectionFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:lessons_lesson_add")


def add_rows(data: dict, inline: str, rows: list[dict], **common: str) -> None:
    """New inline rows, as the admin's "Add another" makes them (`common`: fields the browser prefills)."""
    total = int(data[f"{inline}-TOTAL_FORMS"][0])
    for offset, row in enumerate(rows):
        for name, value in {**common, **row}.items():
            data[f"{inline}-{total + offset}-{name}"] = [value]
    data[f"{inline}-TOTAL_FORMS"] = [str(total + len(rows))]


def errors(response) -> str:
    from tests.lessons.pages import parse

    page = parse(response)
    return " | ".join(e.text for e in page.select(cls="errorlist") + page.select(cls="errornote"))


def new_lesson_data(author_client, course, **fields) -> dict:
    data = admin_form(author_client, ADD_URL, "lesson_form")
    data.update({"module": [str(course.module.pk)], "number": ["7"], "title": ["Listening Back"],
                 "slug": ["listening-back"], "status": ["draft"], "estimated_minutes": ["15"], **fields})
    return data


def test_a_lesson_with_sections_faqs_cards_and_a_your_turn_is_built_on_one_page(author_client, course):
    """No position, number or anchor typed anywhere: order is the order added, anchors come from headings."""
    data = new_lesson_data(author_client, course)
    add_rows(data, "sections", [
        {"kind": "prose", "heading": "Tone", "body_md": "First pass."},
        {"kind": "prose", "heading": "Tone", "body_md": "Second pass."},
        {"kind": "callout", "heading": "", "body_md": "Take a break."},
        {"kind": "prose", "heading": "Tone", "body_md": "Third pass."},
    ], answer_count="3")
    add_rows(data, "faqs", [{"question": "How loud?", "answer_md": "Quietly."}])
    add_rows(data, "quick_references", [{"term": "Gain", "summary": "Level in."}])
    data.update({"turn-TOTAL_FORMS": ["1"], "turn-0-title": ["Listen and note"], "turn-0-estimated_minutes": ["20"],
                 "turn-0-framework": [str(course.framework.pk)]})
    add_rows(data, "turn_steps", [
        {"kind": "rate", "title": "Rate yourself", "points": "0", "min_words": "0"},
        {"kind": "reflection", "title": "What you heard", "points": "10", "min_words": "20"},
    ])

    response = author_client.post(ADD_URL, data)

    assert response.status_code == 302, errors(response)
    lesson = Lesson.objects.get(slug="listening-back")
    sections = list(lesson.sections.order_by("position"))
    assert [(s.position, s.anchor) for s in sections] == [(1, "tone"), (2, "tone-2"), (3, "section"), (4, "tone-3")]
    assert [s.body_md for s in sections] == ["First pass.", "Second pass.", "Take a break.", "Third pass."]
    assert FAQ.objects.get(lesson=lesson).position == 1 and QuickReference.objects.get(lesson=lesson).position == 1
    turn = Turn.objects.get(lesson=lesson)
    assert [(s.number, s.key, s.title) for s in turn.steps.order_by("number")] == [
        (1, "rate-1", "Rate yourself"), (2, "reflection-2", "What you heard")]


def test_steps_without_a_turn_title_are_refused_in_words(author_client, course):
    data = new_lesson_data(author_client, course)
    add_rows(data, "turn_steps", [{"kind": "reflection", "title": "Orphan", "points": "0", "min_words": "0"}])

    response = author_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Give the Your Turn a title first" in response.content.decode()
    assert not Lesson.objects.filter(slug="listening-back").exists()


def lesson_url(course) -> str:
    return reverse("admin:lessons_lesson_change", args=[course.lesson.pk])


def test_a_typed_anchor_that_clashes_is_named_on_its_field(author_client, course):
    data = admin_form(author_client, lesson_url(course), "lesson_form")
    data[f"{row_prefix(data, 'sections', course.recall.pk)}-anchor"] = [course.prompt.anchor]
    data[f"{row_prefix(data, 'sections', course.prompt.pk)}-anchor"] = [course.prompt.anchor]

    response = author_client.post(lesson_url(course), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert f"Another section of this lesson already uses the anchor “{course.prompt.anchor}”" in page
    assert "Please correct the duplicate data" not in page


def test_dragging_reorders_sections_and_steps_and_numbers_stay_unique(author_client, course):
    """The drag script writes 1..n into the hidden order fields; swapped steps never clash."""
    data = admin_form(author_client, lesson_url(course), "lesson_form")
    data[f"{row_prefix(data, 'sections', course.prompt.pk)}-position"] = ["2"]
    data[f"{row_prefix(data, 'sections', course.recall.pk)}-position"] = ["1"]
    data[f"{row_prefix(data, 'turn_steps', course.patterns.pk)}-number"] = ["3"]
    data[f"{row_prefix(data, 'turn_steps', course.goals.pk)}-number"] = ["2"]

    response = author_client.post(lesson_url(course), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(course.lesson.sections.order_by("position").values_list("pk", "position")) == [
        (course.recall.pk, 1), (course.prompt.pk, 2)]
    steps = list(course.turn.steps.order_by("number").values_list("pk", "number", "key"))
    assert steps == [(course.rate.pk, 1, course.rate.key), (course.goals.pk, 2, course.goals.key),
                     (course.patterns.pk, 3, course.patterns.key)]  # keys (what points are paid under) kept


def test_the_lesson_page_hides_positions_and_marks_section_kinds(author_client, course):
    page = author_client.get(lesson_url(course)).content.decode()
    assert 'data-kind-fields="' in page and "js/admin-section-kind.js" in page
    assert 'class="_reorder_"' in page  # positions are hidden inputs the drag script fills
    assert 'name="sections-0-position" type="number"' not in page


def test_level_descriptors_are_ten_labelled_fields_and_keys_come_from_names(author_client, course):
    url = reverse("admin:assessments_skillframework_change", args=[course.framework.pk])
    data = admin_form(author_client, url, "skillframework_form")
    prefix = row_prefix(data, "categories", course.categories[0].pk)
    page = author_client.get(url).content.decode()
    assert "What a 1 means" in page and "What a 10 means" in page and "level_descriptors" not in page
    data[f"{prefix}-level_1"] = ["New to this"]
    data[f"{prefix}-level_10"] = ["Could teach it"]
    add_rows(data, "categories", [{"name": "Studio Etiquette", "slug": "", "cluster": ""}])

    response = author_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert SkillCategory.objects.get(pk=course.categories[0].pk).level_descriptors == {"1": "New to this", "10": "Could teach it"}
    assert SkillCategory.objects.get(name="Studio Etiquette").slug == "studio-etiquette"


def test_the_lesson_picker_names_track_and_module(author_client, course):
    page = author_client.get(reverse("admin:assessments_turn_change", args=[course.turn.pk])).content.decode()
    assert "Core Track › Why Learn Anything? › Lesson 3: What Skills Does a Music Producer Need?" in page
    assert "Studio Culture › In the room › Lesson 1: Working with artists" in page


def test_duplicating_a_lesson_makes_a_draft_copy_with_every_part(author_client, course):
    FAQFactory(lesson=course.lesson, question="Why?", answer_md="Because.")
    QuickReferenceFactory(lesson=course.lesson, term="Spectrum", summary="All of it.")
    response = author_client.post(reverse("admin:lessons_lesson_changelist"),
                                  {"action": "duplicate", "_selected_action": [str(course.lesson.pk)]})
    assert response.status_code == 302

    copy = Lesson.objects.get(slug=f"{course.lesson.slug}-copy")
    assert copy.status == Lesson.Status.DRAFT and copy.module_id == course.lesson.module_id
    assert copy.number != course.lesson.number
    assert list(copy.sections.values_list("anchor", "kind")) == list(course.lesson.sections.values_list("anchor", "kind"))
    recall = copy.sections.get(kind=Section.Kind.RECALL)
    assert recall.recall_of.lesson_id == copy.pk  # the copy recalls its own prompt
    assert copy.faqs.count() == 1 and copy.quick_references.count() == 1
    assert list(copy.turn.steps.values_list("number", "key")) == list(course.turn.steps.values_list("number", "key"))
    assert course.lesson.sections.count() == 2  # the original is untouched


def test_a_scheduled_lesson_appears_at_its_moment_without_a_job(author_client, student, course, monkeypatch):
    student_client = Client()
    student_client.force_login(student)
    moment = timezone.now() + timedelta(hours=2)
    data = admin_form(author_client, lesson_url(course), "lesson_form")
    data["publish_at_0"] = [timezone.localtime(moment).strftime("%Y-%m-%d")]
    data["publish_at_1"] = [timezone.localtime(moment).strftime("%H:%M:%S")]
    assert author_client.post(lesson_url(course), data).status_code == 302
    structure = course_version()

    assert student_client.get(course.lesson.get_absolute_url()).status_code == 404
    assert course.lesson.title not in student_client.get(f"/tracks/{course.track.slug}/").content.decode()
    assert "Scheduled" in author_client.get(reverse("admin:lessons_lesson_changelist")).content.decode()

    later = moment + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert student_client.get(course.lesson.get_absolute_url()).status_code == 200
    assert course_version() == structure + 1  # a cache keyed on it never shows the lesson late
    assert course_version() == structure + 1  # moved once, not on every read


def test_section_kind_fields_cover_every_kind():
    assert set(Section.KIND_FIELDS) == set(Section.Kind.values)


def test_a_section_saved_without_an_anchor_gets_a_unique_one(course):
    first = SectionFactory(lesson=course.lesson, heading="Warm-up", anchor="")
    assert first.anchor == "warm-up-2"  # the prompt already has "warm-up"
    assert TurnStep.objects.filter(turn=course.turn).count() == 3
