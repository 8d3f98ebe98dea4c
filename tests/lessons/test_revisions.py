"""Every save of a lesson is a revision: authors see the history, compare two and revert; students' work keeps
the revision it was written under. And the admin's "Import a lesson" page, staff only."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.content_files import import_content
from assessments.models import PromptAnswer, Reflection, TurnCompletion
from lessons.models import Lesson, LessonRevision, Module, Section
from tests.api.conftest import ratings, words
from tests.lessons.pages import form_data, parse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assessments" / "demo" / "content"
EXAMPLE = ROOT / "docs" / "examples" / "reading-the-room.md"
LESSON_3 = "what-skills-does-a-music-producer-need"
IMPORT_URL = "/admin/lessons/lesson/import/"


@pytest.fixture
def lesson(db) -> Lesson:
    import_content(DEMO)
    return Lesson.objects.get(slug=LESSON_3)


def revisions_url(lesson: Lesson) -> str:
    return reverse("admin:lessons_lesson_revisions", args=[lesson.pk])


def save_in_admin(client, lesson: Lesson, **changes: str) -> None:
    """Post the lesson's change form as the author's browser would, with `changes` to named fields."""
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    data = {k: v for k, v in form_data(parse(client.get(url)).one("form", id_="lesson_form")).items()
            if "__prefix__" not in k}
    for name, value in changes.items():
        data[name] = [value]
    response = client.post(url, data)
    assert response.status_code == 302, parse(response).one(cls="errornote").text if response.status_code == 200 else ""


def section_field(client, lesson: Lesson, anchor: str, field: str) -> str:
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    data = form_data(parse(client.get(url)).one("form", id_="lesson_form"))
    name = next(k for k, v in data.items() if k.startswith("sections-") and k.endswith("-anchor") and v == [anchor])
    return name.removesuffix("-anchor") + f"-{field}"


# --- Recorded on every save ------------------------------------------------------------------


def test_an_admin_save_records_a_revision_by_the_author_saying_what_changed(author_client, author, lesson):
    body = section_field(author_client, lesson, "what-about-talent", "body_md")

    save_in_admin(author_client, lesson, **{body: "Talent is a head start, not a finish line."})

    latest = lesson.revisions.order_by("-number").first()
    assert latest.number == 2 and latest.author == author
    assert latest.summary == "Saved in the admin: changed “What about talent?”"
    assert "Talent is a head start, not a finish line." in latest.text
    assert latest.content_version == Lesson.objects.get(pk=lesson.pk).content_version


def test_a_lesson_changed_outside_revisions_gets_its_old_content_kept_before_the_admin_save(author_client, lesson):
    LessonRevision.objects.all().delete()
    body = section_field(author_client, lesson, "what-about-talent", "body_md")

    save_in_admin(author_client, lesson, **{body: "New text."})

    first, second = lesson.revisions.order_by("number")
    assert first.author is None and "Some people do seem to arrive with a head start" in first.text
    assert "New text." in second.text


def test_saving_without_a_change_records_nothing(author_client, lesson):
    save_in_admin(author_client, lesson)

    assert lesson.revisions.count() == 1


# --- History, compare, revert -----------------------------------------------------------------


def test_the_change_page_links_to_the_history_which_lists_revisions(author_client, author, lesson):
    body = section_field(author_client, lesson, "what-about-talent", "body_md")
    save_in_admin(author_client, lesson, **{body: "Edited."})

    change_page = author_client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    history = author_client.get(revisions_url(lesson))

    assert revisions_url(lesson) in change_page.content.decode()
    rows = parse(history).one("table", id="revisions").select("tr")[1:]
    assert [row.select("td")[0].text for row in rows] == ["2", "1"]
    assert author.email in rows[0].text and "Imported from content files" in rows[1].text


def test_comparing_two_revisions_shows_the_change_as_a_unified_diff(author_client, lesson):
    body = section_field(author_client, lesson, "what-about-talent", "body_md")
    save_in_admin(author_client, lesson, **{body: "Talent is a head start."})

    response = author_client.get(reverse("admin:lessons_lesson_revision_compare", args=[lesson.pk]),
                                 {"from": 1, "to": 2})

    assert response.status_code == 200
    removed = [s.text for s in parse(response).select("span", cls="diff-removed")]
    added = [s.text for s in parse(response).select("span", cls="diff-added")]
    assert added == ["+Talent is a head start."]
    assert removed[0].startswith("-Some people do seem to arrive with a head start")


def test_revert_puts_the_content_back_and_records_a_new_revision(author_client, author, lesson):
    body = section_field(author_client, lesson, "what-about-talent", "body_md")
    original = Section.objects.get(lesson=lesson, anchor="what-about-talent").body_md
    save_in_admin(author_client, lesson, **{body: "Edited."})

    response = author_client.post(reverse("admin:lessons_lesson_revision_revert", args=[lesson.pk, 1]))

    assert response.status_code == 302
    assert Section.objects.get(lesson=lesson, anchor="what-about-talent").body_md == original
    latest = lesson.revisions.order_by("-number").first()
    assert (latest.number, latest.author) == (3, author)
    assert latest.summary.startswith("Reverted to revision 1")
    assert latest.text == lesson.revisions.get(number=1).text
    assert "back to revision 1" in author_client.get(response.url).content.decode()


def test_revert_is_a_post_and_needs_an_author(client, student_client, lesson):
    url = reverse("admin:lessons_lesson_revision_revert", args=[lesson.pk, 1])

    assert student_client.post(url).status_code == 302  # to the admin login
    assert student_client.get(revisions_url(lesson)).url.startswith("/admin/login/")
    assert lesson.revisions.count() == 1


# --- Students' records keep the revision they were written under -------------------------------


def test_a_reflection_answer_and_completion_record_the_revision_the_student_saw(student, author_client, lesson):
    warmup = lesson.sections.get(anchor="warm-up")
    step = lesson.turn.steps.get(key="reflection-2")
    services.prompt_answers_save(user=student, section=warmup, answers=[{"text": "Mixing vocals"}])
    services.snapshot_record(user=student, turn=lesson.turn, ratings=ratings())
    services.reflection_save(user=student, step=step, text=words(45))
    services.turn_complete(user=student, turn=lesson.turn)
    seen = lesson.revisions.get(number=1)

    # The author rewrites the step in the admin afterwards.
    url = reverse("admin:assessments_turn_change", args=[lesson.turn.pk])
    data = {k: v for k, v in form_data(parse(author_client.get(url)).one("form", id_="turn_form")).items()
            if "__prefix__" not in k}
    step_body = next(k for k, v in data.items() if k.endswith("-body_md") and v[0].startswith("Look at your chart"))
    data[step_body] = ["Which category surprised you?"]
    assert author_client.post(url, data).status_code == 302

    reflection = Reflection.objects.get(user=student, step=step)
    assert reflection.revision == seen
    assert "Look at your chart" in reflection.revision.text  # what the student answered, word for word
    assert PromptAnswer.objects.get(user=student, section=warmup).revision == seen
    assert TurnCompletion.objects.get(user=student, turn=lesson.turn).revision == seen
    latest = lesson.revisions.order_by("-number").first()
    assert latest.number == 2 and "Which category surprised you?" in latest.text

    services.reflection_save(user=student, step=step, text=words(50, topic="later"))
    assert Reflection.objects.get(user=student, step=step).revision == latest


# --- The admin's "Import a lesson" page -------------------------------------------------------------


def upload(name: str = "reading-the-room.md", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else EXAMPLE.read_bytes(), content_type="text/markdown")


def test_the_lesson_list_links_to_the_import_page(author_client, lesson):
    response = author_client.get(reverse("admin:lessons_lesson_changelist"))

    link = [a for a in parse(response).select("a") if a.text == "Import a lesson"]
    assert link and link[0].attrs["href"] == IMPORT_URL


def test_an_author_previews_then_imports_a_guide_as_a_draft(author_client, author, lesson):
    module = Module.objects.get(slug="working-in-the-room")
    page = author_client.get(IMPORT_URL)
    assert page.status_code == 200 and parse(page).one("input", type="file")

    preview = author_client.post(IMPORT_URL, {"document": upload(), "module": module.pk, "preview_only": "on"})

    assert preview.status_code == 200
    assert "Preview: nothing was written" in preview.content.decode()
    assert "Title: “Reading the Room”" in parse(preview).one("ul", cls="recognised").text
    assert not Lesson.objects.filter(slug="reading-the-room").exists()

    done = author_client.post(IMPORT_URL, {"document": upload(), "module": module.pk})

    lesson = Lesson.objects.get(slug="reading-the-room")
    assert lesson.status == Lesson.Status.DRAFT and lesson.module == module
    assert reverse("admin:lessons_lesson_change", args=[lesson.pk]) in done.content.decode()
    assert "Everything in the document was recognised." in done.content.decode()
    assert lesson.revisions.get().author == author


def test_the_import_page_shows_what_it_could_not_recognise(author_client, lesson):
    module = Module.objects.get(slug="working-in-the-room")
    guide = b"# Odd\n\n## FAQ\n\nAn answer with no question.\n"

    response = author_client.post(IMPORT_URL, {"document": upload("odd.md", guide), "module": module.pk})

    problems = parse(response).one("ul", cls="problems").text
    assert "an answer with no question before it was left out" in problems


def test_the_import_page_refuses_other_files_in_words(author_client, lesson):
    module = Module.objects.get(slug="working-in-the-room")

    response = author_client.post(IMPORT_URL, {"document": upload("guide.pdf", b"%PDF"), "module": module.pk})

    assert response.status_code == 200
    assert "Choose a Markdown (.md) or Word (.docx) file." in response.content.decode()


def test_a_student_cannot_reach_the_import_page(student_client, client, lesson):
    module = Module.objects.get(slug="working-in-the-room")

    for browser in (student_client, client):
        response = browser.post(IMPORT_URL, {"document": upload(), "module": module.pk})
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert not Lesson.objects.filter(slug="reading-the-room").exists()


def test_publishing_from_the_lesson_list_records_a_revision(author_client, author, lesson):
    response = author_client.post(reverse("admin:lessons_lesson_changelist"),
                                  {"action": "unpublish", "_selected_action": [lesson.pk]})

    assert response.status_code == 302
    latest = lesson.revisions.order_by("-number").first()
    assert (latest.number, latest.author) == (2, author)
    assert 'status = "draft"' in latest.text and latest.summary.startswith("Unpublish")


def test_the_admin_index_links_to_the_import_page(author_client, lesson):
    response = author_client.get(reverse("admin:index"))

    assert [a for a in parse(response).select("a") if a.attrs.get("href") == IMPORT_URL]
