"""Done-when for issue 11's editor: an author builds a lesson with sections, an audio example and a
Your Turn on one page, without typing positions or anchors, previews it, publishes it and edits it.
"""

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Turn
from lessons.models import Lesson
from tests.browser.test_authoring import log_in_to_admin
from tests.lessons.media_files import wav_bytes

pytestmark = pytest.mark.browser


def add_row(page: Page, inline_id: str, link: str) -> str:
    """Click the inline's "Add another …" and return the new row's field prefix."""
    group = page.locator(f"#{inline_id}")
    before = group.locator(".inline-related:not(.empty-form)").count()
    group.locator(".add-row a", has_text=link).click()
    row = group.locator(".inline-related:not(.empty-form)").nth(before)
    expect(row).to_be_visible()
    return row.get_attribute("id")


def test_an_author_builds_previews_publishes_and_edits_a_lesson_on_one_page(open_page, demo, make_student):
    page = open_page()
    log_in_to_admin(page)
    page.goto("/admin/lessons/lesson/add/")
    page.locator("#id_module").select_option(label="Core Track → Why Learn Anything?")
    page.locator("#id_number").fill("9")
    page.locator("#id_title").fill("Listening Back")
    page.locator("#id_title").press("Tab")
    expect(page.locator("#id_slug")).to_have_value("listening-back")  # filled from the title

    # Two prose sections with the same heading, and an audio example: no position, no anchor typed.
    for heading, body in (("What to listen for", "Listen on **three** systems."), ("What to listen for", "Then rest your ears.")):
        prefix = add_row(page, "sections-group", "Add another Section")
        page.locator(f"#id_{prefix}-heading").fill(heading)
        page.locator(f"#id_{prefix}-body_md").fill(body)
        expect(page.locator(f"#{prefix} .form-row.field-audio_file")).to_be_hidden()  # only this kind's fields
    prefix = add_row(page, "sections-group", "Add another Section")
    page.locator(f"#id_{prefix}-kind").select_option("audio")
    expect(page.locator(f"#{prefix} .form-row.field-answer_count")).to_be_hidden()
    page.locator(f"#id_{prefix}-heading").fill("Dry, then compressed")
    page.locator(f"#id_{prefix}-audio_file").set_input_files(
        {"name": "phrase.wav", "mimeType": "audio/wav", "buffer": wav_bytes()})
    page.locator(f"#id_{prefix}-audio_description").fill("A spoken phrase, first dry, then compressed 4:1.")

    # The Markdown preview opens beside the editor without squeezing it.
    first_body = page.locator("#id_sections-0-body_md")
    width = first_body.bounding_box()["width"]
    page.locator("#sections-0").get_by_role("button", name="Preview").click()
    expect(page.locator("#sections-0 .md-preview strong")).to_have_text("three")
    assert first_body.bounding_box()["width"] > min(300, width / 3)

    # The Your Turn and its steps, on the same page.
    add_row(page, "turn-group", "Add another Your Turn")
    page.locator("#id_turn-0-title").fill("Listen and note")
    page.locator("#id_turn-0-framework").select_option(index=1)
    for kind, title in (("rate", "Rate yourself"), ("reflection", "What you heard")):
        prefix = add_row(page, "turn_steps-group", "Add another Your Turn step")
        page.locator(f"#id_{prefix}-kind").select_option(kind)
        page.locator(f"#id_{prefix}-title").fill(title)
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    lesson = Lesson.objects.get(slug="listening-back")
    assert [s.anchor for s in lesson.sections.order_by("position")] == [
        "what-to-listen-for", "what-to-listen-for-2", "dry-then-compressed"]
    assert [(s.number, s.title) for s in Turn.objects.get(lesson=lesson).steps.order_by("number")] == [
        (1, "Rate yourself"), (2, "What you heard")]

    # The author previews the draft as students will see it.
    page.goto("/lessons/listening-back/")
    expect(page.locator(".draft-banner")).to_contain_text("Draft preview")
    player = page.locator("#dry-then-compressed audio")
    expect(player).to_have_attribute("preload", "none")
    expect(page.locator("#dry-then-compressed")).to_contain_text("first dry, then compressed 4:1")

    # Publish it, then edit it: the student sees each change at once.
    page.goto(f"/admin/lessons/lesson/{lesson.pk}/change/")
    page.locator("#id_status").select_option("published")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    student = open_page(user=make_student())
    student.goto("/lessons/listening-back/")
    expect(student.get_by_role("heading", level=1)).to_have_text("Listening Back")
    expect(student.locator("#dry-then-compressed audio")).to_have_count(1)

    page.locator("#id_sections-1-body_md").fill("Then rest your ears for **ten** minutes.")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    student.reload()
    expect(student.locator("#what-to-listen-for-2")).to_contain_text("Then rest your ears for ten minutes.")

    # "... reverts it": revisions are built in issue 11's items 1-3 (another branch); the
    # revert step joins this journey when they are merged.
