"""Every kind of author edit in the admin moves the versions that key the caches, so no student sees a stale page.

The admin reports each save, delete and bulk action to `lessons.services.content_changed`
(never Model.save()): a lesson field, a section added, edited, deleted or archived, an FAQ,
a card, the Your Turn and a step (both on the lesson's page), a framework, a category,
publish and unpublish, a bulk archive. After each, the student's next Guide page and
API answer show the change, and the course-structure version moved when it should.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import SkillFramework
from lessons.models import CourseVersion, Lesson
from lessons.services import course_version
from tests.assessments.test_admin_archive import admin_form, row_prefix
from tests.conftest import session_token

pytestmark = pytest.mark.django_db


def lesson_url(course) -> str:
    return reverse("admin:lessons_lesson_change", args=[course.lesson.pk])


def version(course) -> int:
    return Lesson.objects.get(pk=course.lesson.pk).content_version


def student_sees(student, course) -> str:
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=session_token(student))  # the user read afresh, as the app does
    body = client.get(f"/api/v1/lessons/{course.lesson.slug}/")
    assert body.status_code == 200
    return body.content.decode()


def post_lesson(author_client, course, change) -> None:
    data = admin_form(author_client, lesson_url(course), "lesson_form")
    change(data)
    response = author_client.post(lesson_url(course), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def section_prefix(data, course, section) -> str:
    return row_prefix(data, "sections", section.pk)


def edit_lesson_title(data, course):
    data["title"] = ["Skills, Mapped"]
    return "Skills, Mapped"


def edit_section(data, course):
    data[f"{section_prefix(data, course, course.recall)}-body_md"] = ["Your answers, grouped by where they fall."]
    return "Your answers, grouped by where they fall."


def add_section(data, course):
    total = int(data["sections-TOTAL_FORMS"][0])
    data["sections-TOTAL_FORMS"] = [str(total + 1)]
    new = f"sections-{total}"
    data.update({f"{new}-kind": ["prose"], f"{new}-heading": ["Practice plans"], f"{new}-anchor": [""],
                 f"{new}-body_md": ["Plan one hour a day."], f"{new}-answer_count": ["3"], f"{new}-lesson": [str(course.lesson.pk)]})
    return "Plan one hour a day."


def archive_section(data, course):
    data[f"{section_prefix(data, course, course.recall)}-archived"] = ["on"]
    return None


def edit_turn(data, course):
    data["turn-0-title"] = ["Map where your attention goes"]
    return "Map where your attention goes"


def edit_step(data, course):
    data[f"{row_prefix(data, 'turn_steps', course.goals.pk)}-title"] = ["Tie it to your goals"]
    return "Tie it to your goals"


LESSON_PAGE_EDITS = [edit_lesson_title, edit_section, add_section, archive_section, edit_turn, edit_step]


@pytest.mark.parametrize("edit", LESSON_PAGE_EDITS, ids=[e.__name__ for e in LESSON_PAGE_EDITS])
def test_an_edit_on_the_lesson_page_moves_the_versions_and_reaches_the_student(author_client, student, course, edit):
    student_sees(student, course)  # cached now
    before, structure = version(course), course_version()
    expected = {}

    post_lesson(author_client, course, lambda data: expected.setdefault("text", edit(data, course)))

    assert version(course) > before
    assert course_version() > structure  # a lesson saved: its title may be in any outline
    if expected["text"]:
        assert expected["text"] in student_sees(student, course)


def test_deleting_a_section_faq_and_card_is_never_served_stale(author_client, student, course, make_faq_and_card):
    faq, card = make_faq_and_card
    assert faq.question in student_sees(student, course)
    before = version(course)

    def delete(data):
        data[f"{row_prefix(data, 'faqs', faq.pk)}-DELETE"] = ["on"]
        data[f"{row_prefix(data, 'quick_references', card.pk)}-DELETE"] = ["on"]
        data[f"{section_prefix(data, course, course.recall)}-DELETE"] = ["on"]

    post_lesson(author_client, course, delete)

    assert version(course) > before
    seen = student_sees(student, course)
    assert faq.question not in seen and card.term not in seen and "Where your attention went" not in seen


def test_editing_an_faq_and_a_card_reaches_the_student(author_client, student, course, make_faq_and_card):
    faq, card = make_faq_and_card
    student_sees(student, course)

    def edit(data):
        data[f"{row_prefix(data, 'faqs', faq.pk)}-question"] = ["Is it fine to be uneven?"]
        data[f"{row_prefix(data, 'quick_references', card.pk)}-summary"] = ["Where you never look."]

    post_lesson(author_client, course, edit)

    seen = student_sees(student, course)
    assert "Is it fine to be uneven?" in seen and "Where you never look." in seen


@pytest.fixture
def make_faq_and_card(course):
    from tests.factories import FAQFactory, QuickReferenceFactory

    return (FAQFactory(lesson=course.lesson, question="Is balance required?", answer_md="No."),
            QuickReferenceFactory(lesson=course.lesson, term="Blind spots", summary="What you overlook."))


def test_renaming_a_framework_or_a_category_reaches_every_lesson_using_it(author_client, student, course):
    student_sees(student, course)
    before = version(course)
    url = reverse("admin:assessments_skillframework_change", args=[course.framework.pk])
    data = admin_form(author_client, url, "skillframework_form")
    data["name"] = ["The whole spectrum"]
    data[f"{row_prefix(data, 'categories', course.categories[0].pk)}-name"] = ["Technical craft"]

    response = author_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert version(course) > before
    assert "Technical craft" in student_sees(student, course)


def run_action(author_client, changelist: str, action: str, ids) -> None:
    response = author_client.post(reverse(changelist), {"action": action, "_selected_action": [str(i) for i in ids]})
    assert response.status_code == 302


def test_publish_and_unpublish_actions_move_the_versions(author_client, student, course):
    """Bulk updates (one UPDATE for all selected lessons) are reported too: the lesson leaves and returns at once."""
    assert student_sees(student, course)
    before, structure = version(course), course_version()

    run_action(author_client, "admin:lessons_lesson_changelist", "unpublish", [course.lesson.pk])

    assert version(course) > before and course_version() > structure
    client = APIClient()
    client.force_authenticate(student)
    assert client.get(f"/api/v1/lessons/{course.lesson.slug}/").status_code == 404

    run_action(author_client, "admin:lessons_lesson_changelist", "publish", [course.lesson.pk])
    assert "Notice patterns" in student_sees(student, course)


def test_bulk_archive_of_a_framework_moves_the_lessons_using_it(author_client, student, course):
    student_sees(student, course)
    before = version(course)

    run_action(author_client, "admin:assessments_skillframework_changelist", "archive", [course.framework.pk])

    assert SkillFramework.objects.get(pk=course.framework.pk).archived_at is not None
    assert version(course) > before


def test_deleting_a_lesson_moves_the_structure_version(author_client, course):
    structure = course_version()
    url = reverse("admin:lessons_lesson_delete", args=[course.ext_lesson.pk])

    response = author_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert course_version() > structure
    assert CourseVersion.objects.get().version == course_version()
