"""Every Your Turn form sent after the session ended leads to the login page and back to its step: never a 405."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.browser.steps import CATEGORIES, LESSON_3, expect_message, slider
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

LESSON_2 = "how-learning-actually-works"
DEFINITION = (
    "Mixing two records a month for independent artists in my city, paid fairly, with Sundays kept for my own strange ambient music."
)


def watch_statuses(page: Page) -> list[tuple[int, str]]:
    statuses: list[tuple[int, str]] = []
    page.on("response", lambda response: statuses.append((response.status, response.url)))
    return statuses


def sign_out_under_the_student(page: Page) -> None:
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)


def log_in_again(page: Page, student) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Soft Synced")
    page.get_by_label("Email").fill(student.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def assert_no_405(statuses: list[tuple[int, str]]) -> None:
    assert not [s for s in statuses if s[0] == 405], f"a 405 on the way back: {statuses}"


def test_a_definition_of_success_written_on_the_goals_step_comes_back_after_logging_in(open_page, demo, make_student):
    student = make_student()
    page = open_page(user=student)
    statuses = watch_statuses(page)
    page.goto(f"/lessons/{LESSON_3}/your-turn/")
    goals = page.locator(".goals")
    goals.get_by_role("textbox", name="Your definition of success").fill(DEFINITION)
    sign_out_under_the_student(page)
    goals.get_by_role("button", name="Save my definition").click()

    log_in_again(page, student)
    expect(page).to_have_url(re.compile(r"/your-turn/#step-3$"))
    expect(goals.get_by_role("textbox", name="Your definition of success")).to_have_value(DEFINITION)
    assert_no_405(statuses)

    goals.get_by_role("button", name="Save my definition").click()
    expect_message(page, "Your definition of success is saved to your profile.")
    expect(goals.locator(".success-quote")).to_have_text(DEFINITION)
    student.refresh_from_db()
    assert student.definition_of_success == DEFINITION
    assert_no_405(statuses)


def test_ratings_sent_after_the_session_ended_lead_back_to_the_rating_step(open_page, demo, make_student):
    student = make_student()
    page = open_page(user=student)
    statuses = watch_statuses(page)
    page.goto(f"/lessons/{LESSON_3}/your-turn/")
    control = slider(page, CATEGORIES[0])
    control.focus()
    control.press("ArrowRight")
    sign_out_under_the_student(page)
    page.get_by_role("button", name="Save my ratings").click()

    log_in_again(page, student)
    expect(page).to_have_url(re.compile(r"/your-turn/#step-1$"))
    expect(page.get_by_role("button", name="Save my ratings")).to_be_visible()
    assert_no_405(statuses)


def test_marking_a_turn_complete_after_the_session_ended_leads_back_to_finish_it(open_page, demo, make_student):
    student = make_student()
    page = open_page(user=student)
    statuses = watch_statuses(page)
    page.goto(f"/lessons/{LESSON_2}/your-turn/")
    sign_out_under_the_student(page)
    page.get_by_role("button", name="Mark this Turn complete").click()

    log_in_again(page, student)
    expect(page).to_have_url(re.compile(r"/your-turn/#complete$"))
    assert_no_405(statuses)
    page.get_by_role("button", name="Mark this Turn complete").click()
    expect(page.locator("#complete .badge")).to_have_text("✓ Completed")
    assert_no_405(statuses)
