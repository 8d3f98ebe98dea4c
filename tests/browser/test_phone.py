"""On a 375 px phone the lesson and Your Turn fit the screen, and every control can be reached with Tab."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.steps import LESSON_3, wait_for_chart

pytestmark = pytest.mark.browser

CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary"

# Tag every visible control so the Tab walk can tell which ones it reached.
TAG_CONTROLS = """selector => {
  const visible = el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && !el.closest("details:not([open]) > :not(summary)");
  };
  const found = [];
  document.querySelectorAll(selector).forEach((el, i) => {
    if (el.disabled || !visible(el) && !el.classList.contains("skip-link")) return;
    el.setAttribute("data-tab-check", String(i));
    found.push({id: String(i), html: el.outerHTML.slice(0, 120)});
  });
  return found;
}"""

# Where the focused control is, and whether it can be seen there.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.getBoundingClientRect();
  return {
    id: el.getAttribute("data-tab-check"),
    html: el.outerHTML.slice(0, 120),
    width: box.width, height: box.height, left: box.left, right: box.right,
    viewport: document.documentElement.clientWidth,
  };
}"""


def assert_no_sideways_scrolling(page: Page) -> None:
    sizes = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})")
    assert sizes["scroll"] <= sizes["client"], f"the page scrolls sideways on a phone: {sizes}"


def assert_every_control_reachable_by_tab(page: Page) -> None:
    """Walk the page with Tab: each visible control gets focus, on screen and with a size."""
    controls = page.evaluate(TAG_CONTROLS, CONTROLS)
    assert controls, "no controls found"
    page.locator("body").focus()
    page.evaluate("() => window.scrollTo(0, 0)")
    reached: set[str] = set()
    problems: list[str] = []
    first = None
    for _ in range(len(controls) * 2 + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        key = focused["id"] or focused["html"]
        if key == first:
            break  # wrapped round to the start
        first = first or key
        if focused["width"] <= 0 or focused["height"] <= 0:
            problems.append(f"focused but has no size: {focused['html']}")
        if focused["left"] < 0 or focused["right"] > focused["viewport"] + 1:
            problems.append(f"focused off screen ({focused['left']:.0f}..{focused['right']:.0f}): {focused['html']}")
        if focused["id"]:
            reached.add(focused["id"])
    missed = [c["html"] for c in controls if c["id"] not in reached]
    assert not missed, "not reachable with Tab:\n  " + "\n  ".join(missed)
    assert not problems, "\n".join(problems)


def test_lesson_and_your_turn_fit_a_phone_and_every_control_is_reachable(open_page, demo, make_student):
    page = open_page(user=make_student(), viewport=PHONE)

    page.goto(f"/lessons/{LESSON_3}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_sideways_scrolling(page)
    # Open every FAQ so its answer's links count too, then check again.
    for question in page.locator("summary.faq__question").all():
        question.click()
    assert_no_sideways_scrolling(page)
    assert_every_control_reachable_by_tab(page)

    page.goto(f"/lessons/{LESSON_3}/your-turn/")
    wait_for_chart(page, "radar-live")
    assert_no_sideways_scrolling(page)
    chart = page.locator("#radar-live").bounding_box()
    assert chart and chart["x"] >= 0 and chart["x"] + chart["width"] <= PHONE["width"], f"the radar overflows: {chart}"
    assert_every_control_reachable_by_tab(page)
