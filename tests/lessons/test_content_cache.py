"""A published lesson's content is cached per content version, and an author's edit is never served stale.

The Guide page and the API's lesson detail read sections, FAQs and quick reference
cards from the cache once a version has been read. Every writer of content (the
admin, the importers, the loaders) reports its change to
`lessons.services.content_changed`, which makes a new version, so the next
request reads the new content. These edits go through the service as a loader
does; tests/assessments/test_content_changes.py drives every kind of edit through the admin.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from lessons import selectors
from lessons.models import FAQ, Lesson, QuickReference, Section
from lessons.services import content_changed
from tests.factories import FAQFactory, QuickReferenceFactory, SectionFactory
from tests.lessons.pages import form_data, parse

pytestmark = pytest.mark.django_db

CONTENT_TABLES = ("lessons_section", "lessons_faq", "lessons_quickreference")


@pytest.fixture
def lesson(make_lesson):
    lesson = make_lesson(sections=0, faqs=0, cards=0, title="Gain Staging", number=3)
    SectionFactory(lesson=lesson, position=1, heading="Headroom", body_md="Leave six decibels of headroom.")
    SectionFactory(lesson=lesson, position=2, heading="Meters", body_md="Watch the peak meter.")
    FAQFactory(lesson=lesson, position=1, question="Why leave headroom?", answer_md="So the master has room.")
    QuickReferenceFactory(lesson=lesson, position=1, term="Headroom", summary="Space below 0 dBFS.")
    return Lesson.objects.get(pk=lesson.pk)


@pytest.fixture
def student_api(student):
    client = APIClient()
    client.force_authenticate(student)
    return client


def guide_text(client, lesson: Lesson) -> str:
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def api_text(client, lesson: Lesson) -> str:
    response = client.get(f"/api/v1/lessons/{lesson.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def content_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if any(f'"{table}"' in q["sql"] for table in CONTENT_TABLES)]


def test_a_second_read_of_the_same_version_takes_the_content_from_the_cache(student_client, student_api, lesson):
    """Once a version has been read, neither the Guide page nor the API queries its sections, FAQs or cards."""
    guide_text(student_client, lesson)

    with CaptureQueriesContext(connection) as page:
        text = guide_text(student_client, lesson)
    with CaptureQueriesContext(connection) as api:
        body = api_text(student_api, lesson)

    assert content_queries(page.captured_queries) == []
    assert content_queries(api.captured_queries) == []
    for expected in ("Leave six decibels of headroom.", "Why leave headroom?", "Space below 0 dBFS."):
        assert expected in text
        assert expected in body


def edit_section_body(lesson):
    section = lesson.sections.get(position=1)
    section.body_md = "Leave **twelve** decibels."
    section.save()
    content_changed(parts=[section])
    return "Leave six decibels of headroom.", "twelve"


def add_section(lesson):
    content_changed(parts=[SectionFactory(lesson=lesson, position=3, heading="Clip gain", body_md="Trim the clip first.")])
    return None, "Trim the clip first."


def delete_section(lesson):
    lesson.sections.get(position=2).delete()
    content_changed(lessons=[lesson])
    return "Watch the peak meter.", None


def edit_faq(lesson):
    faq = lesson.faqs.get()
    faq.question = "How much headroom?"
    faq.save()
    content_changed(parts=[faq])
    return "Why leave headroom?", "How much headroom?"


def delete_faq(lesson):
    lesson.faqs.get().delete()
    content_changed(lesson_ids=[lesson.pk])
    return "Why leave headroom?", None


def edit_card(lesson):
    card = lesson.quick_references.get()
    card.summary = "The gap between the loudest peak and full scale."
    card.save()
    content_changed(parts=[card])
    return "Space below 0 dBFS.", "The gap between the loudest peak and full scale."


def edit_lesson(lesson):
    lesson.title = "Gain Staging, Revisited"
    lesson.next_steps_md = "Next, *compression*."
    lesson.save()
    content_changed(lessons=[lesson], structure=True)
    return None, "Gain Staging, Revisited"


EDITS = [edit_section_body, add_section, delete_section, edit_faq, delete_faq, edit_card, edit_lesson]


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_an_edit_is_never_served_stale(student_client, student_api, lesson, edit):
    """Whatever part an author saves or deletes, the very next Guide page and API response show the change."""
    guide_text(student_client, lesson)
    api_text(student_api, lesson)
    guide_text(student_client, lesson)  # served from the cache now

    gone, new = edit(Lesson.objects.get(pk=lesson.pk))
    fresh = Lesson.objects.get(pk=lesson.pk)

    page, body = guide_text(student_client, fresh), api_text(student_api, fresh)
    if gone:
        assert gone not in page
        assert gone not in body
    if new:
        assert new in page
        assert new in body


def test_an_edit_in_the_admin_reaches_the_student_at_once(author_client, student_browser, lesson):
    """An author changes a section and an FAQ on the lesson's admin page; the student's next visit shows both."""
    assert "Leave six decibels of headroom." in guide_text(student_browser, lesson)
    assert "Leave six decibels of headroom." in guide_text(student_browser, lesson)  # from the cache
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    form = parse(author_client.get(url)).one("form", id_="lesson_form")
    data = {name: values for name, values in form_data(form).items() if "__prefix__" not in name}
    body_field = next(name for name, values in data.items() if name.endswith("-body_md") and values == ["Leave six decibels of headroom."])
    question_field = next(name for name, values in data.items() if name.endswith("-question"))
    data[body_field] = ["Leave nine decibels, then check the meters."]
    data[question_field] = ["Is nine enough?"]

    response = author_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    page = guide_text(student_browser, Lesson.objects.get(pk=lesson.pk))
    assert "Leave nine decibels, then check the meters." in page
    assert "Is nine enough?" in page
    assert "Leave six decibels of headroom." not in page


def test_the_cache_key_names_the_lesson_its_version_and_its_last_change(lesson):
    """Ids and versions repeat when a database is rebuilt; the last-change time in the key keeps copies apart."""
    key = selectors.lesson_content_cache_key(lesson)
    rebuilt = Lesson.objects.get(pk=lesson.pk)
    Lesson.objects.filter(pk=lesson.pk).update(updated_at=lesson.updated_at.replace(year=lesson.updated_at.year + 1))
    rebuilt.refresh_from_db()

    assert key.startswith(f"lessons:content:{lesson.pk}:{lesson.content_version}:")
    assert rebuilt.content_version == lesson.content_version
    assert selectors.lesson_content_cache_key(rebuilt) != key


def test_a_draft_preview_always_reads_the_database(author_client, lesson):
    """Staff previewing a draft see every save at once; drafts are never cached."""
    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.DRAFT)
    draft = Lesson.objects.get(pk=lesson.pk)
    guide_text(author_client, draft)

    with CaptureQueriesContext(connection) as queries:
        guide_text(author_client, draft)

    assert len(content_queries(queries.captured_queries)) == len(CONTENT_TABLES)


def test_cached_parts_carry_the_callers_lesson(lesson):
    """Parts read from the cache point at the lesson the caller loaded, not a copy cached with them."""
    selectors.lesson_content(lesson=lesson)
    fresh = Lesson.objects.select_related("module__track").get(pk=lesson.pk)

    content = selectors.lesson_content(lesson=fresh)

    parts = [*content.sections, *content.faqs, *content.quick_references]
    assert [type(p) for p in parts] == [Section, Section, FAQ, QuickReference]
    assert all(part.lesson is fresh for part in parts)
