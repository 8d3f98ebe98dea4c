"""Authors edit lessons in the admin, and students see the result on their next page load."""

import pytest
from django.urls import reverse

from lessons.models import Lesson
from tests.factories import SectionFactory
from tests.lessons.pages import form_data, parse

pytestmark = pytest.mark.django_db

PREVIEW_URL = "/admin/lessons/lesson/markdown-preview/"


@pytest.fixture
def lesson(make_lesson):
    lesson = make_lesson(sections=0, faqs=2, cards=2, title="What Skills Does a Music Producer Need?", number=3)
    SectionFactory(lesson=lesson, position=1, heading="How to use this guide", body_md="Take your time.")
    SectionFactory(lesson=lesson, position=2, heading="The full spectrum of skills", body_md="Five categories.")
    return Lesson.objects.get(pk=lesson.pk)


def change_url(lesson: Lesson) -> str:
    return reverse("admin:lessons_lesson_change", args=[lesson.pk])


def change_form(client, lesson: Lesson) -> dict[str, list[str]]:
    """The change form's fields as the author's browser would send them back unchanged."""
    response = client.get(change_url(lesson))
    assert response.status_code == 200
    data = form_data(parse(response).one("form", id_="lesson_form"))
    # Django renders an empty template form for "Add another"; a browser does not send it.
    return {name: values for name, values in data.items() if "__prefix__" not in name}


def field_named_with_value(data: dict[str, list[str]], suffix: str, value: str) -> str:
    matches = [name for name, values in data.items() if name.endswith(suffix) and values == [value]]
    assert len(matches) == 1, f"no single field *{suffix} = {value!r} in {sorted(data)}"
    return matches[0]


def test_lesson_changelist_lists_lessons_for_an_author(author_client, lesson):
    """The lessons changelist loads and shows the lesson."""
    response = author_client.get(reverse("admin:lessons_lesson_changelist"))

    assert response.status_code == 200
    assert "What Skills Does a Music Producer Need?" in response.content.decode()


def test_lesson_change_page_shows_its_inlines_and_a_view_on_site_link(author_client, lesson):
    """The change page loads with sections, FAQs and cards inline, and links to the lesson on the site."""
    response = author_client.get(change_url(lesson))

    page = parse(response)
    assert response.status_code == 200
    data = change_form(author_client, lesson)
    assert data["sections-TOTAL_FORMS"] == ["2"]
    assert data["faqs-TOTAL_FORMS"] == ["2"]
    assert data["quick_references-TOTAL_FORMS"] == ["2"]
    view_on_site = [a for a in page.select("a") if a.text == "View on site"]
    assert view_on_site, "no View on site link"
    followed = author_client.get(view_on_site[0].attrs["href"])
    assert followed.status_code == 302
    assert followed.url.endswith(lesson.get_absolute_url())


def test_other_lesson_admin_pages_load(author_client, lesson):
    """Tracks, modules and unlocks have working changelists and change pages too."""
    module, track = lesson.module, lesson.module.track
    for url in [
        reverse("admin:lessons_track_changelist"),
        reverse("admin:lessons_track_change", args=[track.pk]),
        reverse("admin:lessons_module_changelist"),
        reverse("admin:lessons_module_change", args=[module.pk]),
        reverse("admin:lessons_trackunlock_changelist"),
        reverse("admin:lessons_lesson_add"),
    ]:
        assert author_client.get(url).status_code == 200, url


def test_editing_a_section_in_the_admin_changes_what_the_student_sees(author_client, student_browser, lesson):
    """An author's edit of a section body shows on the student's next page load, with a new content version."""
    before = student_browser.get(lesson.get_absolute_url()).content.decode()
    assert "Five categories." in before
    version = lesson.content_version
    data = change_form(author_client, lesson)
    body_field = field_named_with_value(data, "-body_md", "Five categories.")
    data[body_field] = ["Five categories, and **one** you overlook."]
    data["_save"] = ["Save"]

    response = author_client.post(change_url(lesson), data)

    assert response.status_code == 302, parse(response).select(cls="errorlist")
    after = student_browser.get(lesson.get_absolute_url()).content.decode()
    assert "Five categories, and <strong>one</strong> you overlook." in after
    assert "Five categories.</p>" not in after
    lesson.refresh_from_db()
    assert lesson.content_version > version
    assert lesson.sections.count() == 2


def test_saving_the_change_form_untouched_keeps_the_content(author_client, lesson):
    """Re-saving the form as loaded writes back the same sections, FAQs and cards."""
    sections = list(lesson.sections.values_list("position", "heading", "body_md", "body_html", "anchor"))
    data = change_form(author_client, lesson)
    data["_save"] = ["Save"]

    response = author_client.post(change_url(lesson), data)

    assert response.status_code == 302
    assert list(lesson.sections.values_list("position", "heading", "body_md", "body_html", "anchor")) == sections
    assert lesson.faqs.count() == 2
    assert lesson.quick_references.count() == 2


def run_action(client, action: str, lesson: Lesson):
    return client.post(
        reverse("admin:lessons_lesson_changelist"),
        {"action": action, "_selected_action": [lesson.pk], "index": 0},
    )


def test_unpublish_action_takes_a_lesson_away_from_students(author_client, student_browser, lesson):
    """After "unpublish", the lesson is a draft and answers 404 to students."""
    assert student_browser.get(lesson.get_absolute_url()).status_code == 200
    version = lesson.content_version

    response = run_action(author_client, "unpublish", lesson)

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.DRAFT
    assert lesson.content_version > version
    assert student_browser.get(lesson.get_absolute_url()).status_code == 404
    assert "1 lesson changed." in author_client.get(response.url).content.decode()


def test_publish_action_opens_a_draft_to_students(author_client, student_browser, lesson):
    """After "publish", a draft lesson opens for students."""
    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.DRAFT)
    assert student_browser.get(lesson.get_absolute_url()).status_code == 404

    response = run_action(author_client, "publish", lesson)

    assert response.status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).status == Lesson.Status.PUBLISHED
    assert student_browser.get(lesson.get_absolute_url()).status_code == 200


def test_markdown_preview_returns_sanitised_html_to_staff(author_client):
    """The admin preview renders Markdown exactly as a save would, scripts removed."""
    response = author_client.post(PREVIEW_URL, {"text": 'Some **bold**.\n\n<script>alert(1)</script><a onclick="x()">y</a>'})

    assert response.status_code == 200
    html = response.json()["html"]
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "onclick" not in html
    assert "alert" not in html


def test_markdown_preview_refuses_an_overlong_text(author_client):
    """A text over 100,000 characters is refused with a 400 that names `text`."""
    response = author_client.post(PREVIEW_URL, {"text": "a" * 100_001})

    assert response.status_code == 400
    assert response.json()["error"].startswith("text:")


def test_markdown_preview_is_refused_to_students(student_client):
    """A student posting to the preview is sent to the admin login and gets no HTML."""
    response = student_client.post(PREVIEW_URL, {"text": "**bold**"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert b"<strong>" not in response.content


def test_admin_is_refused_to_students(student_client, lesson):
    """A student cannot open the lesson admin."""
    response = student_client.get(change_url(lesson))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
