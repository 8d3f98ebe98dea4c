"""A student joins a cohort with the invite link and shares an attempt; the mentor gives feedback, the student
answers it; a peer comments and the mentor hides the comment. And the mentor's page fits a phone."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.selectors import turn_get
from assessments.services import reflection_save, snapshot_record
from lessons.models import Lesson
from mentoring.services import cohort_join
from tests.browser.conftest import PHONE
from tests.browser.steps import LESSON_3, NOTICE_PATTERNS, expect_message, wait_for_chart

pytestmark = pytest.mark.browser

INVITE = "/cohorts/join/demo-evening/"
COHORT = "Demo cohort: Evening producers"
MENTOR_NOTE = "Your business rating is honest. Price one small job this month and tell me how the talk went."
PEER_NOTE = "Same here. Writing the price down before the call helped me a lot."
REPLY = "Thank you, I will write the price down and try it on Friday."


def rated_with_reflection(student) -> None:
    lesson = Lesson.objects.get(slug=LESSON_3)
    turn = turn_get(lesson=lesson)
    snapshot_record(user=student, turn=turn,
                    ratings={"technical": 8, "creative": 7, "interpersonal": 4, "business": 2, "personal": 6})
    step = next(s for s in turn.steps.all() if s.kind == "reflection")
    reflection_save(user=student, step=step, text=NOTICE_PATTERNS)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_join_share_feedback_reply_and_a_hidden_peer_comment(open_page, demo, make_student):
    student = make_student(display_name="Robin Student")
    peer = make_student(display_name="Pat Peer")
    cohort_join(user=peer, code="demo-evening")
    rated_with_reflection(student)
    mentor = get_user_model().objects.get(email="mentor@example.com")

    # The student follows the invite link, reads what joining means, and joins.
    you = open_page(user=student)
    you.goto(INVITE)
    expect(you.get_by_role("heading", level=1)).to_have_text(f"Join {COHORT}")
    you.get_by_role("button", name=f"Join {COHORT}").click()
    expect_message(you, f"You joined {COHORT}.")
    expect(you.get_by_role("heading", level=1)).to_have_text(COHORT)

    # On the Your Turn page the attempt is private until shared; the page says who sees what.
    you.goto(f"/lessons/{LESSON_3}/your-turn/")
    who = you.get_by_test_id("who-can-see")
    expect(who).to_contain_text("Nobody else: this attempt is private.")
    you.get_by_label("Share with my cohort's mentors").check()
    you.get_by_label("Share with my cohort peers").check()
    you.get_by_role("button", name="Save sharing").click()
    expect_message(you, "Sharing saved.")
    expect(who).to_contain_text(f"Mentors of {COHORT} (Demo Mentor)")
    expect(who).to_contain_text(f"other members of {COHORT}")

    # The mentor finds it waiting, reads it beside the radar, and writes feedback.
    mentor_page = open_page(user=mentor)
    mentor_page.goto("/mentor/")
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text(COHORT)
    mentor_page.get_by_test_id("awaiting-table").get_by_role("link", name="Robin Student").click()
    wait_for_chart(mentor_page, "radar-attempt")
    expect(mentor_page.get_by_test_id("reflection")).to_contain_text("Business is the clear low point")
    expect(mentor_page.get_by_test_id("ratings-table")).to_contain_text("2 / 10")
    mentor_page.get_by_label("Your feedback").fill(MENTOR_NOTE)
    mentor_page.get_by_role("button", name="Send feedback").click()
    expect_message(mentor_page, "Your feedback is saved.")

    # A peer comments, with the lesson's guidance on giving feedback beside the box.
    peer_page = open_page(user=peer)
    peer_page.goto("/cohorts/")
    peer_page.get_by_role("link", name=COHORT).click()
    peer_page.get_by_role("link", name="Robin Student — ").click()
    expect(peer_page.get_by_role("heading", name="Giving feedback that helps")).to_be_visible()
    peer_page.get_by_label("Your feedback").fill(PEER_NOTE)
    peer_page.get_by_role("button", name="Send feedback").click()
    expect_message(peer_page, "Your feedback is saved.")

    # The student reads both on the Turn and answers the mentor once.
    you.goto(f"/lessons/{LESSON_3}/your-turn/")
    you.reload()  # the page was open at #sharing: only the fragment would change
    comments = you.get_by_test_id("feedback")
    expect(comments).to_have_count(2)
    from_mentor = comments.filter(has_text=MENTOR_NOTE)
    from_mentor.get_by_label("Reply (one reply per comment; you can edit it)").fill(REPLY)
    from_mentor.get_by_role("button", name="Send reply").click()
    expect_message(you, "Your reply is saved.")
    expect(you.get_by_test_id("reply")).to_contain_text(REPLY)
    you.goto("/skills/")
    expect(you.locator("#feedback")).to_contain_text(MENTOR_NOTE)

    # The mentor sees the reply and hides the peer's comment; the student no longer sees it.
    mentor_page.reload()
    expect(mentor_page.get_by_test_id("reply")).to_contain_text(REPLY)
    mentor_page.get_by_role("button", name="Hide Pat Peer's comment").click()
    expect_message(mentor_page, "The comment is hidden from the student and peers.")
    expect(mentor_page.get_by_test_id("hidden-badge")).to_be_visible()
    you.goto(f"/lessons/{LESSON_3}/your-turn/")
    expect(you.get_by_test_id("feedback")).to_have_count(1)
    expect(you.locator("#sharing")).not_to_contain_text(PEER_NOTE)


def test_the_mentor_view_draws_its_charts_and_fits_a_phone(open_page, demo):
    mentor = get_user_model().objects.get(email="mentor@example.com")
    page = open_page(user=mentor, viewport=PHONE)

    page.goto("/mentor/")

    expect(page.get_by_role("heading", level=1)).to_have_text(COHORT)
    wait_for_chart(page, "radar-cohort-producer-skill-spectrum")
    wait_for_chart(page, "blind-cohort-producer-skill-spectrum")
    wait_for_chart(page, "funnel-chart")
    expect(page.get_by_test_id("members-table").locator("tbody tr")).to_have_count(13)
    expect(page.get_by_test_id("skills-table")).to_contain_text("Business")
    assert no_horizontal_scroll(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download (CSV)").first.click()
    assert download.value.suggested_filename.endswith("-awaiting.csv")

    # A shared attempt, read on the phone: the radar and the reflections, no sideways scrolling.
    page.get_by_test_id("awaiting-table").get_by_role("link").first.click()
    wait_for_chart(page, "radar-attempt")
    expect(page.get_by_test_id("ratings-table")).to_be_visible()
    assert no_horizontal_scroll(page)
