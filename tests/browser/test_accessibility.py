"""axe-core finds no serious or critical problems on the student pages; sliders, radars and focus speak for themselves."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from assessments.models import SkillSnapshot
from assessments.selectors import turn_get
from assessments.services import snapshot_record
from lessons.models import Lesson
from tests.browser.steps import CATEGORIES, LESSON_3, chart_data, expect_announced_value, slider, wait_for_chart

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = {"serious", "critical"}


def assert_no_serious_violations(page: Page) -> None:
    results = AXE.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    if blocking:
        pytest.fail(f"axe found serious or critical problems on {page.url}:\n{describe(blocking)}")


def describe(violations: list[dict]) -> str:
    """Each violation with its rule, impact, help link and the first few elements it found."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
    return "\n".join(lines)


def two_snapshots(student) -> None:
    turn = turn_get(lesson=Lesson.objects.get(slug=LESSON_3))
    first = snapshot_record(
        user=student, turn=turn, ratings={"technical": 6, "creative": 5, "interpersonal": 3, "business": 2, "personal": 4}
    )
    SkillSnapshot.objects.filter(pk=first.pk).update(created_at=first.created_at - timedelta(days=183))
    snapshot_record(user=student, turn=turn, ratings={"technical": 7, "creative": 6, "interpersonal": 5, "business": 3, "personal": 6})


def test_sign_up_and_log_in_pages_pass_axe(page: Page, demo):
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_serious_violations(page)
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_serious_violations(page)


def test_student_pages_pass_axe(open_page, demo, make_student):
    student = make_student()
    two_snapshots(student)
    page = open_page(user=student)
    for path in ("/", "/tracks/core-track/", f"/lessons/{LESSON_3}/", f"/lessons/{LESSON_3}/your-turn/", "/skills/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_serious_violations(page)
    page.get_by_role("button", name="Compare").click()
    wait_for_chart(page, "radar-compare")
    assert_no_serious_violations(page)


def test_sliders_and_radars_speak_and_focus_is_visible(open_page, demo, make_student):
    student = make_student()
    two_snapshots(student)
    page = open_page(user=student)
    page.goto(f"/lessons/{LESSON_3}/your-turn/")
    wait_for_chart(page, "radar-live")

    # Each slider is named by its category and announces its value.
    latest = [7, 6, 5, 3, 6]
    for category, value in zip(CATEGORIES, latest, strict=True):
        control = slider(page, category)
        expect(control).to_have_value(str(value))
        expect_announced_value(control, value)
    slider(page, "Business").focus()
    page.keyboard.press("ArrowRight")
    expect_announced_value(slider(page, "Business"), 4)

    # The radar is an image with a name, and a table on the page holds the same numbers.
    radar = page.locator("#radar-live")
    expect(radar).to_have_attribute("role", "img")
    assert (radar.get_attribute("aria-label") or "").strip()
    assert chart_data(page, "radar-live", dataset=1) == latest
    table = page.locator("#step-1 .ratings-table")
    for category, value in zip(CATEGORIES, latest, strict=True):
        expect(table.get_by_role("row", name=category)).to_contain_text(f"{value} / 10")

    page.goto("/skills/")
    wait_for_chart(page, "radar-producer-skill-spectrum")
    history_radar = page.locator("#radar-producer-skill-spectrum")
    expect(history_radar).to_have_attribute("role", "img")
    assert (history_radar.get_attribute("aria-label") or "").strip()
    drawn = chart_data(page, "radar-producer-skill-spectrum")
    shown = [int(text.split("/")[0]) for text in page.locator(".framework-history .ratings-table td").all_inner_texts()]
    assert drawn == shown == latest

    # Keyboard focus is visible on a button.
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    else:
        pytest.fail("Tab never reached a button")
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }"""
    )
    assert (ring["outline"] != "none" and ring["width"] != "0px") or ring["shadow"] != "none", ring


def test_mentor_and_shared_attempt_pages_pass_axe(open_page, demo):
    """The mentor's cohort view (charts with tables) and a shared attempt beside its radar."""
    from django.contrib.auth import get_user_model

    from mentoring.models import Share

    mentor = get_user_model().objects.get(email="mentor@example.com")
    shared = Share.objects.filter(with_mentors=True).order_by("pk").first()
    page = open_page(user=mentor)
    page.goto("/mentor/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    wait_for_chart(page, "funnel-chart")
    assert_no_serious_violations(page)
    page.goto(f"/shared/{shared.attempt_id}/")
    wait_for_chart(page, "radar-attempt")
    assert_no_serious_violations(page)
    page.goto("/cohorts/")
    assert_no_serious_violations(page)
