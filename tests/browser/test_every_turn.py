"""Every demo lesson's Your Turn can be done by keyboard alone, on a desktop and on a 375 px phone.

A fresh student opens each Turn (the lessons come from the database, so a lesson
added to the demo is covered without touching this file), moves every slider
with the arrow keys, types a real reflection in every text step, saves with
Enter, earns each step's Depth points and marks the Turn complete.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from assessments import depth
from assessments.models import PointsEntry, Reflection, TurnStep
from lessons.models import Lesson
from lessons.services import track_unlock
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.steps import expect_announced_value, expect_message, wait_for_chart, wait_for_chart_value

pytestmark = pytest.mark.browser

# Real reflections, each different from the others and from any step's
# instructions, and each well over the 40 words the longest demo step asks for.
# The i-th text step of a Turn gets the i-th text.
REFLECTIONS = [
    "In three years I want to mix two independent records a month for artists in my city, "
    "working from a treated spare room with monitors I trust. An ordinary Tuesday means a morning "
    "of revisions, an afternoon finishing my own instrumental sketches, and no sessions after ten. "
    "I will not give up Sunday dinners with my family or the weird ambient music I love.",
    "My weakest habit is starting tracks and abandoning them after the drop. This week I am "
    "practising arrangement transitions: every evening I take one eight bar loop and build the "
    "bridge into the second chorus within twenty five minutes. On Friday I will play all five "
    "attempts to my flatmate, ask which one surprised her, and write down why.",
    "Technical and creative both sit at seven, while business is my lowest score by far. I have "
    "never sent an invoice or agreed splits before a session started. Interpersonal lands in the "
    "middle: I listen well but avoid saying when a take is not good enough, so my charts look "
    "lopsided rather than balanced, which honestly matches how my year has gone.",
    "Getting paid to mix for local bands depends on people skills and on running a small "
    "business, yet those are exactly where my chart dips. Next month I will write a one page price "
    "list, send it to two bands from the rehearsal space downstairs, and after each session ask "
    "them what felt awkward about working with me.",
    "I am trying a volume habit: one rough sketch every weekday morning before work, saved with "
    "the date and never polished. Judging happens only on Saturday, when I pick the single sketch "
    "worth keeping. I hope it stops me endlessly tweaking presets and teaches me to trust early "
    "ideas instead of waiting for perfect inspiration to arrive.",
    "Last month a singer asked for a warmer vocal and I kept adding low mids until she went quiet. "
    "Patience helped because we stayed calm, but clear communication was missing: I never asked "
    "what warm meant to her. Next time I will play two quick references and let her point at the "
    "sound she hears in her head before touching any equaliser.",
]


def _lessons_with_a_turn() -> list[Lesson]:
    return list(Lesson.objects.published().filter(turn__isnull=False).select_related("module__track", "turn").in_reading_order())


def _steps_of(lesson: Lesson) -> list[TurnStep]:
    return list(lesson.turn.steps.active().order_by("number"))


def _ratings_for(count: int) -> list[int]:
    """Where the student puts each slider: some up from the middle (5), some down, one left at 5."""
    pattern = [7, 4, 8, 2, 5, 6, 3, 9, 1, 10]
    return [pattern[i % len(pattern)] for i in range(count)]


# --- Keyboard ----------------------------------------------------------------------


def tab_to(page: Page, target: Locator, limit: int = 150) -> None:
    """Press Tab until `target` has the focus, as a keyboard user walks the page."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", handle):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def rate_by_keyboard(page: Page, step: Locator, ratings: list[int], *, phone: bool) -> None:
    """Tab to each slider, set it with the arrow keys, then press Enter on the save button."""
    wait_for_chart(page, "radar-live")
    sliders = step.get_by_role("slider")
    expect(sliders).to_have_count(len(ratings))
    for index, value in enumerate(ratings):
        control = sliders.nth(index)
        tab_to(page, control)
        start = int(control.input_value())
        key = "ArrowRight" if value > start else "ArrowLeft"
        for _ in range(abs(value - start)):
            page.keyboard.press(key)
        expect(control).to_have_value(str(value))
        expect_announced_value(control, value)
        wait_for_chart_value(page, "radar-live", index, value)
        if phone:
            assert_radar_in_view(page)
    tab_to(page, step.get_by_role("button", name=re.compile("^Save (my ratings|a new snapshot)$")))
    page.keyboard.press("Enter")
    expect_message(page, "Snapshot saved.")
    table = page.locator(f"#{step.get_attribute('id')} .ratings-table")
    expect(table.locator("tbody td")).to_have_text([f"{value} / 10" for value in ratings])


def write_by_keyboard(page: Page, step: TurnStep, text: str) -> None:
    """Tab to the step's text box, type the reflection, Tab to its save button and press Enter."""
    form = page.locator(f"#step-{step.number} form.reflection-form")
    box = form.get_by_role("textbox")
    expect(box).to_have_value("")
    tab_to(page, box)
    page.keyboard.type(text)
    stats = depth.word_stats(text)
    # The live count agrees with the server before anything is sent.
    expect(form.locator("[data-word-count]")).to_contain_text(f"{stats.counted} words count of the {step.min_words} needed")
    tab_to(page, form.get_by_role("button"))
    page.keyboard.press("Enter")
    if step.points:
        expect_message(page, f"You earned {step.points} Depth points")
        expect(page.locator(f"#step-{step.number}-rule")).to_contain_text(f"You earned this step's {step.points} Depth points")
    else:
        expect_message(page, "Saved.")
    expect(page.locator(f"#step-{step.number}").get_by_role("textbox").last).to_have_value(text)


# --- Phone layout ----------------------------------------------------------------


def assert_no_sideways_scrolling(page: Page) -> None:
    sizes = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})")
    assert sizes["scroll"] <= sizes["client"], f"the Turn page scrolls sideways on a phone: {sizes}"


def assert_radar_in_view(page: Page) -> None:
    """The radar stays on screen while the focused slider is moved, however far down it is."""
    view = page.evaluate(
        """() => {
             const chart = document.getElementById("radar-live").getBoundingClientRect();
             const figure = document.getElementById("radar-live").closest("figure").getBoundingClientRect();
             const slider = document.activeElement.getBoundingClientRect();
             return {chart: {top: chart.top, bottom: chart.bottom, left: chart.left, right: chart.right},
                     figure: {bottom: figure.bottom, left: figure.left, right: figure.right},
                     slider: {top: slider.top, bottom: slider.bottom, left: slider.left, right: slider.right},
                     width: window.innerWidth, height: window.innerHeight};
           }"""
    )
    chart, slider = view["chart"], view["slider"]
    assert chart["top"] >= 0 and chart["bottom"] <= view["height"], f"the radar is scrolled out of view: {view}"
    assert chart["left"] >= 0 and chart["right"] <= view["width"], f"the radar overflows sideways: {view}"
    # The radar's box covers the sliders' width, so text scrolling under it never shows beside the chart.
    assert view["figure"]["left"] <= slider["left"] + 1 and view["figure"]["right"] >= slider["right"] - 1, (
        f"the sticky radar is narrower than the sliders it scrolls over: {view}"
    )
    # A pixel of slack: the browser scrolls a focused control into view to the subpixel.
    assert slider["top"] >= view["figure"]["bottom"] - 1 and slider["bottom"] <= view["height"] + 1, (
        f"the slider being moved is hidden under the radar or off screen: {view}"
    )


# --- The journey -----------------------------------------------------------------


def complete_turn_by_keyboard(page: Page, lesson: Lesson, *, phone: bool) -> int:
    """Do every step of the lesson's Turn by keyboard and mark it complete; returns the points earned."""
    steps = _steps_of(lesson)
    page.goto(f"/lessons/{lesson.slug}/your-turn/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.turn.title)
    expect(page.get_by_test_id("points-here")).to_have_text("0")
    if phone:
        assert_no_sideways_scrolling(page)

    earned = 0
    texts = iter(REFLECTIONS)
    for step in steps:
        section = page.locator(f"#step-{step.number}")
        expect(section.get_by_role("heading", level=2)).to_contain_text(step.title)
        if step.kind == TurnStep.Kind.RATE:
            categories = lesson.turn.framework.categories.active().count()
            rate_by_keyboard(page, section, _ratings_for(categories), phone=phone)
        else:
            assert step.takes_reflection, f"step kind {step.kind!r} is neither a rating nor a text: teach this test it"
            text = next(texts)
            assert depth.word_stats(text).counted >= step.min_words, "the test's reflection is too short for this step"
            write_by_keyboard(page, step, text)
            earned += step.points
            expect(page.get_by_test_id("points-here")).to_have_text(str(earned))
        if phone:
            assert_no_sideways_scrolling(page)

    finish = page.locator("#complete")
    expect(finish.locator(".muted", has_text="first; then you can mark")).to_have_count(0)
    tab_to(page, finish.get_by_role("button", name="Mark this Turn complete"))
    page.keyboard.press("Enter")
    expect(finish.locator(".badge")).to_have_text("✓ Completed")
    expect(finish).to_contain_text("You completed this Turn on")
    expect(page.get_by_test_id("points-here")).to_have_text(str(earned))
    if phone:
        assert_no_sideways_scrolling(page)
    return earned


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_new_student_completes_every_demo_turn_by_keyboard(open_page, demo, make_student, viewport):
    lessons = _lessons_with_a_turn()
    kinds = {step.kind for lesson in lessons for step in _steps_of(lesson)}
    assert len(lessons) >= 5 and kinds == set(TurnStep.Kind.values), (
        f"the demo should have a Turn in every lesson and every step kind: {[lesson.slug for lesson in lessons]}, {kinds}"
    )
    for lesson in lessons:
        student = make_student()
        track = lesson.module.track
        if track.is_extension:
            # Earning the 30 points is another test's journey; here the course is simply open.
            track_unlock(user=student, track=track)
        page = open_page(user=student, viewport=viewport)
        earned = complete_turn_by_keyboard(page, lesson, phone=viewport == PHONE)

        # Points as each step's rule says, in the ledger and the balance; every text kept.
        text_steps = [s for s in _steps_of(lesson) if s.takes_reflection]
        assert earned == sum(step.points for step in text_steps), lesson.slug
        expect(page.get_by_test_id("points-balance")).to_have_text(str(earned))
        assert sum(PointsEntry.objects.filter(user=student).values_list("amount", flat=True)) == earned, lesson.slug
        assert Reflection.objects.filter(user=student, step__in=text_steps).count() == len(text_steps), lesson.slug
        if any(step.kind == TurnStep.Kind.SUCCESS for step in text_steps):
            student.refresh_from_db()
            assert student.definition_of_success == REFLECTIONS[0], "Lesson 1's text is the profile's definition of success"
        page.context.close()
