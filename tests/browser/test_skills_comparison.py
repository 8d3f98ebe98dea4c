"""Six months on: a second snapshot, the two compared on /skills/, and the chart downloaded as a PNG."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import SkillSnapshot
from assessments.selectors import turn_get
from assessments.services import snapshot_record
from lessons.models import Lesson
from tests.browser.steps import CATEGORIES, LESSON_3, chart_data, slider, wait_for_chart, wait_for_chart_value

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIRST = {"technical": 6, "creative": 5, "interpersonal": 3, "business": 2, "personal": 4}
SECOND = [7, 5, 5, 2, 6]  # CATEGORIES order: technical +1, interpersonal +2, personal +2


def snapshot_taken_months_ago(student) -> SkillSnapshot:
    turn = turn_get(lesson=Lesson.objects.get(slug=LESSON_3))
    snapshot = snapshot_record(user=student, turn=turn, ratings=FIRST)
    SkillSnapshot.objects.filter(pk=snapshot.pk).update(created_at=timezone.now() - timedelta(days=183))
    return snapshot


def test_student_retakes_the_rating_compares_both_and_downloads_the_chart(open_page, demo, make_student, tmp_path):
    student = make_student()
    snapshot_taken_months_ago(student)
    page = open_page(user=student)

    # Your Turn starts from the last snapshot and draws it as a second, dashed series.
    page.goto(f"/lessons/{LESSON_3}/your-turn/")
    wait_for_chart(page, "radar-live")
    first_values = list(FIRST.values())
    assert chart_data(page, "radar-live") == first_values
    assert chart_data(page, "radar-live", dataset=1) == first_values
    for index, (category, value) in enumerate(zip(CATEGORIES, SECOND, strict=True)):
        control = slider(page, category)
        control.focus()
        while int(control.input_value()) < value:
            control.press("ArrowRight")
        wait_for_chart_value(page, "radar-live", index, value)
    page.get_by_role("button", name="Save a new snapshot").click()
    expect(page.locator(".messages")).to_contain_text("Snapshot saved.")

    # /skills/ lists both; comparing them draws two datasets on one radar and a change table.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Skills").click()
    history = page.locator(".framework-history")
    expect(history.locator(".snapshot-list li")).to_have_count(2)
    history.get_by_role("button", name="Compare").click()

    wait_for_chart(page, "radar-compare")
    assert page.evaluate("window.softSynced.charts['radar-compare'].data.datasets.length") == 2
    assert chart_data(page, "radar-compare", dataset=0) == SECOND, "the newer snapshot is drawn first"
    assert chart_data(page, "radar-compare", dataset=1) == first_values
    styles = page.evaluate("window.softSynced.charts['radar-compare'].data.datasets.map(d => [d.borderDash.length, d.pointStyle])")
    assert styles[0] != styles[1], "the two series differ by line and marker, not colour alone"
    canvas = page.locator("#radar-compare")
    expect(canvas).to_have_attribute("role", "img")
    expect(canvas).to_have_attribute("aria-label", "Two radars overlaid; the change table below has the same numbers")

    rows = page.locator(".change-table tbody tr")
    expect(rows).to_have_count(len(CATEGORIES))
    expected_changes = {
        "Technical": ("6", "7", "▲ +1"),
        "Creative": ("5", "5", "= 0"),
        "Interpersonal": ("3", "5", "▲ +2"),
        "Business": ("2", "2", "= 0"),
        "Personal qualities": ("4", "6", "▲ +2"),
    }
    for name, (before, after, change) in expected_changes.items():
        cells = page.locator(".change-table").get_by_role("row", name=name).get_by_role("cell")
        expect(cells).to_have_text([before, after, change])

    # The chart downloads as a real PNG.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download chart (PNG)").first.click()
    download = download_info.value
    assert download.suggested_filename == "soft-synced-comparison.png"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 5_000, f"a {len(data)}-byte PNG cannot hold a drawn radar"
