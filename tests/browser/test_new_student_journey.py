"""A new student's first real lesson, end to end in Chromium: sign up, Lesson 3, Your Turn."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import (
    CATEGORIES,
    CONNECT_TO_GOALS,
    LESSON_3,
    LESSON_3_TITLE,
    NOTICE_PATTERNS,
    chart_data,
    click_slider_at,
    drag_slider_to,
    expect_announced_value,
    expect_message,
    slider,
    wait_for_chart,
    wait_for_chart_value,
)

pytestmark = pytest.mark.browser

WARM_UP = [
    ("Making a vocal sit on top of a busy arrangement", "Technical"),
    ("Gain staging so the mix bus keeps its headroom", "Technical"),
    ("Finishing a track instead of looping eight bars", "Creative"),
]
# Where the student finally puts each slider (by mouse), in CATEGORIES order.
FINAL_RATINGS = [8, 7, 3, 2, 5]


def sign_up(page: Page, email: str) -> None:
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Soft Synced")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("a-long-studio-password-42")
    page.get_by_label(re.compile("Password \\(again\\)|Confirm", re.I)).fill("a-long-studio-password-42")
    page.get_by_role("button", name="Create my account").click()


def answer_warm_up(page: Page) -> None:
    warm_up = page.locator("#warm-up")
    for number, (text, category) in enumerate(WARM_UP, start=1):
        warm_up.get_by_label(f"Skill {number}", exact=True).fill(text)
        warm_up.get_by_label(f"Category of skill {number} (optional)").select_option(label=category)
    warm_up.get_by_role("button", name="Save my answers").click()


def rate_every_category(page: Page) -> None:
    """Each slider by keyboard (Home, End, arrows) and then by mouse; the radar follows every move."""
    wait_for_chart(page, "radar-live")
    assert chart_data(page, "radar-live") == [5, 5, 5, 5, 5], "a new student's sliders start in the middle"
    for index, (category, final) in enumerate(zip(CATEGORIES, FINAL_RATINGS, strict=True)):
        control = slider(page, category)
        shown = page.locator(f"#{control.get_attribute('id')}-value")  # the number beside the label
        control.focus()
        for key, value in (("End", 10), ("Home", 1), ("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2)):
            control.press(key)
            wait_for_chart_value(page, "radar-live", index, value)
            expect_announced_value(control, value)
            expect(shown).to_have_text(str(value))
        if index % 2:
            drag_slider_to(page, control, final)
        else:
            click_slider_at(page, control, final)
        expect(control).to_have_value(str(final))
        wait_for_chart_value(page, "radar-live", index, final)
    assert chart_data(page, "radar-live") == FINAL_RATINGS
    values = page.locator("#radar-live").get_attribute("data-values")
    assert values == ",".join(map(str, FINAL_RATINGS))


def test_new_student_signs_up_works_through_lesson_3_and_finishes_its_turn(page: Page, demo):
    # Sign up and land on the dashboard.
    sign_up(page, "new.producer@example.com")
    expect(page).to_have_url(re.compile(r"/$"))
    # A new student is welcomed, not "welcomed back".
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, new.producer")
    expect(page.locator(".continue-card")).to_contain_text("Up next")

    # Lesson 3 is where the skills work starts: open it from the Core Track outline.
    page.get_by_role("link", name="Core Track").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Core Track")
    expect(page.locator(".track-progress")).to_have_text("0 of 4 lessons done")
    page.get_by_role("link", name=re.compile(LESSON_3_TITLE)).click()
    expect(page).to_have_url(re.compile(f"/lessons/{LESSON_3}/"))
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb).to_contain_text("Core Track")
    expect(breadcrumb).to_contain_text("Why Learn Anything?")
    expect(breadcrumb).to_contain_text("Lesson 3")

    # The warm-up: three specific skills, each tagged with a category.
    answer_warm_up(page)
    expect_message(page, "Your warm-up answers are saved.")
    expect(page.locator("#warm-up input[name=answer_1]")).to_have_value(WARM_UP[0][0])

    # Back on the dashboard, Continue now offers Lesson 3 and takes the student back to it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    continue_card = page.locator(".continue-card")
    expect(continue_card).to_contain_text("You were reading")
    expect(continue_card).to_contain_text(f"Lesson 3: {LESSON_3_TITLE}")
    continue_card.get_by_role("link", name="Continue reading").click()
    expect(page).to_have_url(re.compile(f"/lessons/{LESSON_3}/"))

    # Reading on, the blind-spot section shows the answers again and where they cluster.
    recall = page.locator("#where-your-attention-went")
    recall.scroll_into_view_if_needed()
    for text, category in WARM_UP:
        item = recall.locator(".recall-list__item", has_text=text)
        expect(item).to_be_visible()
        expect(item.get_by_role("combobox")).to_have_value(category.lower())
    expect(recall.locator(".recall-cluster")).to_have_text("Two of your three answers are Technical.")

    # Your Turn: rate every category by keyboard and by mouse, the radar redrawing each time.
    page.get_by_role("button", name=re.compile("open Your Turn")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mapping Your Skill Focus")
    expect(page.get_by_test_id("points-here")).to_have_text("0")
    rate_every_category(page)
    page.get_by_role("button", name="Save my ratings").click()
    expect_message(page, "Snapshot saved.")
    table = page.locator("#step-1 .ratings-table")
    for category, value in zip(CATEGORIES, FINAL_RATINGS, strict=True):
        expect(table.get_by_role("row", name=category)).to_contain_text(f"{value} / 10")
    assert chart_data(page, "radar-live", dataset=1) == FINAL_RATINGS, "the saved snapshot is drawn as 'Last saved'"
    expect(page.locator("#step-2 .insights")).to_be_visible()

    # Step 2: a real reflection (40+ words) pays 15 Depth points.
    page.locator("#step-2").get_by_role("textbox").fill(NOTICE_PATTERNS)
    page.locator("#step-2").get_by_role("button", name="Save reflection").click()
    expect_message(page, "You earned 15 Depth points")
    expect(page.get_by_test_id("points-here")).to_have_text("15")
    expect(page.get_by_test_id("points-balance")).to_have_text("15")

    # Step 3: the goals reflection pays 15 more; 30 opens the extension course.
    step_3 = page.locator("#step-3")
    step_3.locator(".reflection-form").get_by_role("textbox").fill(CONNECT_TO_GOALS)
    step_3.get_by_role("button", name="Save reflection").click()
    expect_message(page, "You earned 15 Depth points")
    expect(page.get_by_test_id("points-here")).to_have_text("30")
    expect(page.get_by_test_id("points-balance")).to_have_text("30")
    expect(page.locator(".unlock-notice")).to_contain_text("You unlocked Studio Culture & Soft Skills")

    # Mark the Turn complete; the lesson is done on the dashboard and the track page.
    page.get_by_role("button", name="Mark this Turn complete").click()
    expect(page.locator("#complete")).to_contain_text("Completed")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.locator("section", has=page.get_by_role("heading", name="Core Track"))).to_contain_text("1 of 4 lessons done")
    page.get_by_role("link", name="Core Track").first.click()
    lesson_row = page.locator(".lesson-list__item", has_text=LESSON_3_TITLE)
    expect(lesson_row.locator(".badge").first).to_have_text("✓ Done")
    expect(page.locator(".track-progress")).to_have_text("1 of 4 lessons done")
