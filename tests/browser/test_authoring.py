"""An author edits Lesson 3 in /admin/ and students see it; a draft lesson stays out of their sight until published."""

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Lesson, Module
from tests.browser.steps import LESSON_3, LESSON_3_TITLE
from tests.factories import LessonFactory, SectionFactory

pytestmark = pytest.mark.browser

AUTHOR_EMAIL = "author@example.com"
AUTHOR_PASSWORD = "producer-demo-1"
NEW_TALENT_TEXT = (
    "Talent is a head start, not a finish line. **Practice you can repeat** beats a gift you never use; "
    "count the tracks you finish this month, not the ones you imagine."
)


def log_in_to_admin(page: Page) -> None:
    """/admin/ sends a visitor to the site's (rate-limited) login, which comes back to the admin."""
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    page.locator("#id_login").fill(AUTHOR_EMAIL)
    page.locator("#id_password").fill(AUTHOR_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def edit_section_body(page: Page, heading: str, body: str) -> None:
    """On the lesson's change page, rewrite the body of the inline section with this heading."""
    heading_input = page.locator(f"input[name^='sections-'][name$='-heading'][value='{heading}']")
    prefix = heading_input.get_attribute("name").removesuffix("-heading")
    page.locator(f"textarea[name='{prefix}-body_md']").fill(body)


def test_author_edits_a_lesson_3_section_and_the_student_sees_it(open_page, demo, make_student):
    student_page = open_page(user=make_student())
    student_page.goto(f"/lessons/{LESSON_3}/")
    expect(student_page.locator("#what-about-talent")).to_contain_text("Some people do seem to arrive with a head start")

    author_page = open_page()
    log_in_to_admin(author_page)
    author_page.locator("#lessons-lesson").get_by_role("link", name="Lessons").click()
    author_page.get_by_role("link", name=LESSON_3_TITLE).click()
    expect(author_page.locator("h1")).to_contain_text("Change lesson")
    edit_section_body(author_page, "What about talent?", NEW_TALENT_TEXT)
    author_page.get_by_role("button", name="Save", exact=True).first.click()
    expect(author_page.locator(".messagelist")).to_contain_text("was changed successfully")

    student_page.reload()
    talent = student_page.locator("#what-about-talent")
    expect(talent).to_contain_text("Talent is a head start, not a finish line.")
    expect(talent.locator("strong")).to_have_text("Practice you can repeat")
    expect(talent).not_to_contain_text("Some people do seem to arrive with a head start")


def test_a_draft_lesson_stays_invisible_to_students_until_the_author_publishes_it(open_page, browser_problems, demo, make_student):
    module = Module.objects.get(slug="why-learn-anything")
    draft = LessonFactory(module=module, number=5, position=50, title="Reading a Room", slug="reading-a-room", status=Lesson.Status.DRAFT)
    SectionFactory(lesson=draft, heading="Before the session", body_md="Arrive early and listen first.")

    student_page = open_page(user=make_student())
    student_page.goto("/tracks/core-track/")
    expect(student_page.locator(".lesson-list__item")).to_have_count(4)
    expect(student_page.get_by_text("Reading a Room")).to_have_count(0)
    browser_problems.expect("/lessons/reading-a-room/", 404)
    response = student_page.goto("/lessons/reading-a-room/")
    assert response is not None and response.status == 404

    # The author previews the draft, then publishes it from the lesson list.
    author_page = open_page()
    log_in_to_admin(author_page)
    author_page.goto("/lessons/reading-a-room/")
    expect(author_page.locator(".draft-banner")).to_contain_text("Draft preview")
    author_page.goto("/admin/lessons/lesson/")
    row = author_page.locator("#result_list tr", has_text="Reading a Room")
    row.locator("input.action-select").check()
    author_page.locator("select[name=action]").select_option(label="Publish the selected lessons")
    author_page.get_by_role("button", name=re.compile("^Go$|^Run$")).click()
    expect(author_page.locator(".messagelist")).to_contain_text("1 lesson changed.")

    response = student_page.goto("/lessons/reading-a-room/")
    assert response is not None and response.status == 200
    expect(student_page.get_by_role("heading", level=1)).to_have_text("Reading a Room")
    expect(student_page.locator(".draft-banner")).to_have_count(0)
