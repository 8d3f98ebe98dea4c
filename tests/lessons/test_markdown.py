"""Authors write Markdown; students get safe HTML, rendered once when the content is saved."""

from unittest import mock

import pytest

from lessons.markdown import render_markdown
from lessons.models import Lesson
from tests.factories import FAQFactory, SectionFactory, TrackFactory
from tests.lessons.pages import Element, parse

pytestmark = pytest.mark.django_db

HOSTILE_MARKDOWN = """Plain words stay.

<script>alert("stolen")</script>

<a href="/x/" onclick="steal()">click me</a> and <span onmouseover="steal()">hover</span>

[a trap](javascript:alert(1)) and [another](JaVaScRiPt:alert(2))

<img src="/x.png" onerror="steal()">
"""


def assert_nothing_runs(page: Element, html: str) -> None:
    """No author script, event handler or javascript: URL is anywhere on the page."""
    scripts = page.select("script")
    assert all((s.attrs.get("src") or "").startswith("/static/") for s in scripts), "an inline <script> got through"
    for el in page.iter():
        handlers = [name for name in el.attrs if name.lower().startswith("on")]
        assert handlers == [], f"<{el.tag}> keeps {handlers}"
        for name in ("href", "src", "action", "formaction"):
            value = (el.attrs.get(name) or "").strip().lower()
            assert not value.startswith("javascript:"), f"<{el.tag} {name}={value!r}>"
    assert "steal()" not in html
    assert "alert(" not in html
    assert "javascript:" not in html.lower()


@pytest.mark.parametrize("where", ["section body", "FAQ answer", "next steps"])
def test_script_handlers_and_javascript_links_never_reach_the_student(student_client, make_lesson, where):
    """A <script>, an on* attribute or a javascript: link in an author's Markdown is stripped from the page."""
    lesson = make_lesson(sections=0, faqs=0, cards=0)
    if where == "section body":
        SectionFactory(lesson=lesson, heading="Danger", body_md=HOSTILE_MARKDOWN)
    elif where == "FAQ answer":
        FAQFactory(lesson=lesson, question="Danger?", answer_md=HOSTILE_MARKDOWN)
    else:
        lesson.next_steps_md = HOSTILE_MARKDOWN
        lesson.save()

    response = student_client.get(lesson.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Plain words stay." in html
    assert "click me" in html
    assert "a trap" in html
    assert_nothing_runs(parse(html), html)


def test_a_track_description_is_sanitised_too(student_client, db):
    """The track page's Markdown description loses scripts and handlers as well."""
    track = TrackFactory(description_md=HOSTILE_MARKDOWN)

    response = student_client.get(track.get_absolute_url())

    html = response.content.decode()
    assert "Plain words stay." in html
    assert_nothing_runs(parse(html), html)


def test_plain_text_fields_are_escaped_not_rendered(student_client, make_lesson):
    """Headings, questions and card terms are shown as text, even if they look like HTML."""
    lesson = make_lesson(sections=0, faqs=0, cards=0, title="<b>Bold</b> title")
    SectionFactory(lesson=lesson, heading="<script>alert(3)</script>", body_md="Fine.")
    FAQFactory(lesson=lesson, question='<img src=x onerror="steal()">?', answer_md="Fine.")

    response = student_client.get(lesson.get_absolute_url())

    html = response.content.decode()
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; title" in html
    assert "<img src=x" not in html
    assert [s for s in parse(html).select("script") if not s.attrs.get("src")] == []


def test_markdown_headings_emphasis_and_lists_render(student_client, make_lesson):
    """Sub-headings, emphasis, strong text and both kinds of list become HTML on the page."""
    lesson = make_lesson(sections=0, faqs=0, cards=0)
    SectionFactory(
        lesson=lesson,
        heading="The full spectrum of skills",
        body_md=(
            "### Five categories\n\n"
            "Skills are *technical* and **personal**.\n\n"
            "- Technical\n- Creative\n- Business\n\n"
            "1. Listen\n2. Decide\n"
        ),
    )

    response = student_client.get(lesson.get_absolute_url())

    section = parse(response).one("section", id_="the-full-spectrum-of-skills")
    assert section.one("h3").text == "Five categories"
    assert section.one("em").text == "technical"
    assert section.one("strong").text == "personal"
    assert [li.text for li in section.one("ul").select("li")] == ["Technical", "Creative", "Business"]
    assert [li.text for li in section.one("ol").select("li")] == ["Listen", "Decide"]


def test_markdown_links_keep_safe_urls(db):
    """An http(s) link survives, marked noopener; Markdown's own HTML stays allowed."""
    html = render_markdown("See [the docs](https://example.com/guide).")

    link = parse(html).one("a")
    assert link.attrs["href"] == "https://example.com/guide"
    assert "noopener" in link.attrs["rel"]


def test_saving_fills_the_html_fields(make_lesson):
    """Saving a section, FAQ, lesson or track stores its rendered HTML; editing re-renders it."""
    lesson = make_lesson(sections=0, faqs=0, cards=0, next_steps_md="Go on to *Lesson 4*.")
    section = SectionFactory(lesson=lesson, body_md="Some **guide** text.")
    faq = FAQFactory(lesson=lesson, answer_md="- yes\n- no")
    track = TrackFactory(description_md="A *short* description.")

    assert section.body_html == "<p>Some <strong>guide</strong> text.</p>"
    assert "<li>yes</li>" in faq.answer_html
    assert Lesson.objects.get(pk=lesson.pk).next_steps_html == "<p>Go on to <em>Lesson 4</em>.</p>"
    assert track.description_html == "<p>A <em>short</em> description.</p>"

    section.body_md = "Now *different*."
    section.save()
    section.refresh_from_db()
    assert section.body_html == "<p>Now <em>different</em>.</p>"


def test_the_page_view_does_not_render_markdown(student_client, make_lesson):
    """Showing a Guide uses the stored HTML: render_markdown is not called during the request."""
    lesson = make_lesson(sections=0, faqs=0, cards=0, next_steps_md="Next, **Lesson 4**.")
    SectionFactory(lesson=lesson, heading="Spectrum", body_md="Five *categories*.")
    FAQFactory(lesson=lesson, question="Why?", answer_md="Because **practice**.")

    with (
        mock.patch("lessons.models.render_markdown") as models_render,
        mock.patch("lessons.markdown.render_markdown") as markdown_render,
    ):
        response = student_client.get(lesson.get_absolute_url())

    models_render.assert_not_called()
    markdown_render.assert_not_called()
    html = response.content.decode()
    assert "Five <em>categories</em>." in html
    assert "Because <strong>practice</strong>." in html
    assert "Next, <strong>Lesson 4</strong>." in html
