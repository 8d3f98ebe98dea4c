"""A retake keeps the past: the second attempt starts with empty boxes, and /skills/ shows what was written then and now."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import Reflection, SkillSnapshot, TurnAttempt
from tests.browser.steps import (
    CATEGORIES,
    CONNECT_TO_GOALS,
    LESSON_3,
    NOTICE_PATTERNS,
    expect_message,
    slider,
    wait_for_chart,
    wait_for_chart_value,
)

pytestmark = pytest.mark.browser

TURN = f"/lessons/{LESSON_3}/your-turn/"
FIRST = [7, 6, 3, 2, 5]
SECOND = [7, 6, 6, 4, 5]  # interpersonal and business up after six months of paid mixes
SIX_MONTHS_ON = (
    "Six months and eleven paid mixes later, interpersonal and business have both climbed. Quoting "
    "a price no longer makes me freeze, and two bands came back for a second record. Creative work "
    "slipped a little because client revisions ate my evenings, so next I will protect one night a week."
)


def reflection_box(page: Page, number: int):
    return page.locator(f"#step-{number} form.reflection-form").get_by_role("textbox")


def rate(page: Page, values: list[int], button: str) -> None:
    wait_for_chart(page, "radar-live")
    for index, (category, value) in enumerate(zip(CATEGORIES, values, strict=True)):
        control = slider(page, category)
        control.focus()
        while int(control.input_value()) != value:
            control.press("ArrowRight" if int(control.input_value()) < value else "ArrowLeft")
        wait_for_chart_value(page, "radar-live", index, value)
    page.get_by_role("button", name=button).click()
    expect_message(page, "Snapshot saved.")


def write(page: Page, number: int, text: str, message: str) -> None:
    reflection_box(page, number).fill(text)
    page.locator(f"#step-{number} form.reflection-form").get_by_role("button").click()
    expect_message(page, message)
    expect(reflection_box(page, number)).to_have_value(text)


def first_attempt_six_months_ago(student) -> None:
    """Move the first attempt back in time, as a student who comes back half a year later."""
    earlier = timezone.now() - timedelta(days=183)
    SkillSnapshot.objects.filter(user=student).update(created_at=earlier)
    TurnAttempt.objects.filter(user=student).update(started_at=earlier)
    Reflection.objects.filter(user=student).update(created_at=earlier)


def test_a_retake_starts_fresh_reflections_and_keeps_the_first_attempts_on_the_skills_page(open_page, demo, make_student):
    student = make_student()
    page = open_page(user=student)

    # The first attempt: ratings, both reflections (15 + 15 points), the Turn complete.
    page.goto(TURN)
    expect(page.get_by_test_id("attempt-note")).to_have_count(0)
    rate(page, FIRST, "Save my ratings")
    write(page, 2, NOTICE_PATTERNS, "You earned 15 Depth points")
    write(page, 3, CONNECT_TO_GOALS, "You earned 15 Depth points")
    page.get_by_role("button", name="Mark this Turn complete").click()
    expect(page.locator("#complete .badge")).to_have_text("✓ Completed")
    first_attempt_six_months_ago(student)

    # Six months on: a new rating starts attempt 2, with empty boxes and no second payment.
    page.goto(TURN)
    expect(reflection_box(page, 2)).to_have_value(NOTICE_PATTERNS)  # before the retake, still attempt 1
    rate(page, SECOND, "Save a new snapshot")
    note = page.get_by_test_id("attempt-note")
    expect(note).to_contain_text(re.compile(r"This is attempt 2, started \d{1,2} \w+ \d{4}, \d\d:\d\d\."))
    expect(note).to_contain_text("What you wrote in your earlier attempt is kept")
    expect(reflection_box(page, 2)).to_have_value("")
    expect(reflection_box(page, 3)).to_have_value("")
    expect(page.locator("#step-2 [data-draft-status]")).to_have_text("")
    expect(page.locator("#step-2-rule")).to_contain_text("You earned this step's 15 Depth points; editing never costs or pays points.")
    write(page, 2, SIX_MONTHS_ON, "Saved.")
    expect(page.get_by_test_id("points-here")).to_have_text("30")
    expect(page.get_by_test_id("points-balance")).to_have_text("30")
    assert Reflection.objects.filter(user=student, text=NOTICE_PATTERNS).count() == 1, "the first attempt's text is kept"

    # /skills/: both snapshots, each with its attempt's writing; compared, "Then" and "Now" side by side.
    note.get_by_role("link", name="your skills page").click()
    expect(page).to_have_url(re.compile(r"/skills/$"))
    history = page.locator(".snapshot-list > li")
    expect(history).to_have_count(2)
    expect(history.nth(0).locator("summary")).to_have_text("1 reflection written in this attempt")
    expect(history.nth(1).locator("summary")).to_have_text("2 reflections written in this attempt")
    page.locator(".framework-history").get_by_role("button", name="Compare").click()

    then, now = page.get_by_test_id("writing-before"), page.get_by_test_id("writing-after")
    expect(then.get_by_role("heading", level=4)).to_contain_text("Then ·")
    expect(now.get_by_role("heading", level=4)).to_contain_text("Now ·")
    expect(then.locator("blockquote")).to_have_text([NOTICE_PATTERNS, CONNECT_TO_GOALS])
    expect(then).to_contain_text("Notice patterns")
    expect(then).to_contain_text("Connect to your goals")
    expect(now.locator("blockquote")).to_have_text([SIX_MONTHS_ON])
    cells = page.locator(".change-table").get_by_role("row", name="Interpersonal").get_by_role("cell")
    expect(cells).to_have_text(["3", "6", "▲ +3"])

    # The API says the same: each snapshot lists the reflections of its own attempt.
    older, newer = SkillSnapshot.objects.filter(user=student).order_by("created_at")
    for snapshot, attempt, texts in ((older, 1, [NOTICE_PATTERNS, CONNECT_TO_GOALS]), (newer, 2, [SIX_MONTHS_ON])):
        response = page.request.get(f"/api/v1/snapshots/{snapshot.pk}/")
        assert response.ok, response.status
        body = response.json()
        assert body["attempt"]["number"] == attempt
        assert [r["text"] for r in body["reflections"]] == texts
