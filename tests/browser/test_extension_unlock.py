"""Depth points open an Extension Course: the notice shows once, the course opens; without points it stays locked."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import TurnStep
from assessments.services import reflection_save
from tests.browser.steps import CONNECT_TO_GOALS, EXTENSION, EXTENSION_TITLE, LESSON_3, NOTICE_PATTERNS

pytestmark = pytest.mark.browser


def earn_lesson_3_points(student) -> None:
    """Write Lesson 3's two reflections: 15 + 15 Depth points, enough for the 30-point extension."""
    steps = TurnStep.objects.filter(turn__lesson__slug=LESSON_3, kind__in=["reflection", "goals"]).order_by("number")
    for step, text in zip(steps, (NOTICE_PATTERNS, CONNECT_TO_GOALS), strict=True):
        reflection_save(user=student, step=step, text=text)
    student.refresh_from_db()
    assert student.depth_points == 30


def test_student_with_enough_points_sees_the_unlock_notice_once_and_opens_the_course(open_page, demo, make_student):
    student = make_student(display_name="Points Person")
    earn_lesson_3_points(student)
    page = open_page(user=student)

    page.goto("/")
    notice = page.locator(".unlock-notice")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(f"You unlocked {EXTENSION_TITLE}")
    expect(notice).to_have_attribute("role", "status")

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome back")
    expect(page.locator(".unlock-notice")).to_have_count(0)
    card = page.locator(".extension-card", has_text=EXTENSION_TITLE)
    expect(card).to_contain_text("Unlocked")

    card.get_by_role("link", name=EXTENSION_TITLE).click()
    expect(page).to_have_url(re.compile(f"/tracks/{EXTENSION}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(EXTENSION_TITLE)
    page.get_by_role("link", name=re.compile("Working with Artists")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Working with Artists")
    expect(page.locator(".unlock-notice")).to_have_count(0)


def test_student_without_enough_points_meets_the_locked_page(open_page, browser_problems, demo, make_student):
    page = open_page(user=make_student())

    page.goto("/")
    expect(page.locator(".unlock-notice")).to_have_count(0)
    card = page.locator(".extension-card", has_text=EXTENSION_TITLE)
    expect(card).to_contain_text("Locked")
    expect(card).to_contain_text("Unlocks at 30 Depth points")

    card.get_by_role("link", name=EXTENSION_TITLE).click()
    locked = page.locator(".locked")
    expect(locked.get_by_role("heading", level=1)).to_have_text(EXTENSION_TITLE)
    expect(locked).to_contain_text("This course opens when you reach 30 Depth points.")
    expect(locked).to_contain_text("You have 0 Depth points: 30 to go.")
    expect(page.get_by_role("link", name=re.compile("Working with Artists"))).to_have_count(0)

    # Going straight to one of its lessons is refused with the same explanation.
    browser_problems.expect("/lessons/working-with-artists/", 403)
    response = page.goto("/lessons/working-with-artists/")
    assert response is not None and response.status == 403
    expect(page.locator(".locked")).to_contain_text("30 Depth points")
