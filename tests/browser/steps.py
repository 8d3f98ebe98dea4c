"""Steps the browser journeys share: reading a chart, moving a slider, writing a reflection."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

LESSON_3 = "what-skills-does-a-music-producer-need"
LESSON_3_TITLE = "What Skills Does a Music Producer Need?"
EXTENSION = "studio-culture"
EXTENSION_TITLE = "Studio Culture & Soft Skills"
CATEGORIES = ["Technical", "Creative", "Interpersonal", "Business", "Personal qualities"]

NOTICE_PATTERNS = (
    "My technical and creative scores sit well above the rest, which matches how I started: "
    "tutorials, plugins and late nights finishing loops. Business is the clear low point, and "
    "interpersonal is not far above it. I have never quoted a price or run a session for "
    "someone else, so those numbers are honest rather than harsh."
)
CONNECT_TO_GOALS = (
    "My definition of success is mixing for local artists and getting paid fairly for it, so "
    "technical, interpersonal and business skills matter most. Only technical is high. Next "
    "month I will offer one friend a paid mix at a written price and ask them afterwards "
    "what the session felt like from their side."
)


def chart_data(page: Page, canvas_id: str, dataset: int = 0) -> list[float]:
    """The numbers Chart.js is drawing for one dataset of a chart."""
    return page.evaluate("([id, i]) => Array.from(window.softSynced.charts[id].data.datasets[i].data)", [canvas_id, dataset])


def wait_for_chart_value(page: Page, canvas_id: str, index: int, value: int) -> None:
    """Wait (no sleeping) until the chart's first dataset shows `value` at `index`."""
    page.wait_for_function(
        """([id, i, v]) => {
             const chart = window.softSynced && window.softSynced.charts[id];
             return !!chart && chart.data.datasets[0].data[i] === v;
           }""",
        arg=[canvas_id, index, value],
    )


def wait_for_chart(page: Page, canvas_id: str) -> None:
    page.wait_for_function("id => !!(window.softSynced && window.softSynced.charts[id])", arg=canvas_id)


def slider(page: Page, category: str) -> Locator:
    """A rating slider, found the way a screen reader finds it: by its accessible name."""
    return page.get_by_role("slider", name=category, exact=True)


def click_slider_at(page: Page, control: Locator, value: int, low: int = 1, high: int = 10) -> None:
    """Click the track of a range input where `value` sits, as a mouse user would."""
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    assert box, "the slider is not on screen"
    # Chromium's thumb is about 16 px wide and its centre travels from half a thumb
    # in from the left edge to half a thumb in from the right.
    thumb = 16
    travel = box["width"] - thumb
    x = box["x"] + thumb / 2 + travel * (value - low) / (high - low)
    page.mouse.click(x, box["y"] + box["height"] / 2)


def drag_slider_to(page: Page, control: Locator, value: int, low: int = 1, high: int = 10) -> None:
    """Press on the thumb where it is now and drag it to `value`."""
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    assert box, "the slider is not on screen"
    thumb = 16
    travel = box["width"] - thumb
    current = int(control.input_value())
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + thumb / 2 + travel * (current - low) / (high - low), y)
    page.mouse.down()
    page.mouse.move(box["x"] + thumb / 2 + travel * (value - low) / (high - low), y, steps=8)
    page.mouse.up()


def expect_announced_value(control: Locator, value: int) -> None:
    """The slider tells assistive technology its value (and, after it, the author's level text)."""
    expect(control).to_have_attribute("aria-valuetext", re.compile(f"^{value} out of 10(: .+)?$"))


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".messages")).to_contain_text(text)
