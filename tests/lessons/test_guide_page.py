"""The Guide page shows a lesson the way Lesson 3 is laid out, in a fixed number of queries."""

import pytest
from django.urls import reverse

from assessments.models import PromptAnswer
from lessons import services
from lessons.models import Lesson, Section
from tests.factories import (
    CategoryFactory,
    ExtensionTrackFactory,
    FAQFactory,
    LessonFactory,
    ModuleFactory,
    QuickReferenceFactory,
    SectionFactory,
    TurnFactory,
)
from tests.lessons.pages import parse

pytestmark = pytest.mark.django_db

# The most queries each page may run, whatever the size of the course (counted on
# SQLite and PostgreSQL alike; savepoints count). Raise one only with a reason:
# the point is that they do not grow with the content.
# Counted with the student's cached pages cleared (courseplatform.answers): what
# building the page costs; a page served from that cache costs 2 (the session with
# its user, the course versions).
# Guide, first visit: the session with its user (one query), the course versions
# with the student's version of the lesson (the cache key), lesson, progress created (select, insert
# between a savepoint and its release) moving the student's versions, sections, FAQs, cards, progress,
# next lesson, Turn.
LESSON_PAGE_MAX_QUERIES = 14
# The same with a warm-up prompt, its recall and a Your Turn: + prompt answers,
# the prompt's framework (Turn), its categories, whether the Turn is complete,
# and the student's unsaved warm-up draft.
LESSON_3_SHAPE_MAX_QUERIES = 19
# Dashboard: the session with its user, the course versions, tracks, unlocks, done counts, resume point (+ its
# track's unlocks when it is an Extension Course), unlock notices (2 savepoints),
# latest snapshot.
DASHBOARD_MAX_QUERIES = 11
# Track page: the session with its user, track, modules, lessons, progress; an Extension
# Course also reads the student's unlocks (twice, once per lock check).
TRACK_PAGE_MAX_QUERIES = {"core": 6, "unlocked": 8}

# Lesson 3's Guide sections by position; created below in a shuffled order so
# that the page has to sort by position, not by when a row was written.
LESSON_3_SECTIONS = [
    (1, Section.Kind.CALLOUT, "How to use this guide", "Read at your own pace and take breaks."),
    (2, Section.Kind.PROSE, "The full spectrum of skills", "Technical, Creative, Interpersonal, Business, Personal."),
    (3, Section.Kind.PROSE, "The blind-spot phenomenon", "We gravitate to some categories and overlook others."),
    (4, Section.Kind.PROSE, "What about talent?", "Talent is a starting advantage, not a substitute for work."),
    (5, Section.Kind.PROSE, "Strategic development based on your path", "Solo work, clients and audiences differ."),
]
CREATION_ORDER = [3, 5, 1, 4, 2]


@pytest.fixture
def lesson_3(why_module):
    lesson = LessonFactory(
        module=why_module,
        number=3,
        position=3,
        title="What Skills Does a Music Producer Need?",
        subtitle="A Soft Synced Companion Guide",
        slug="what-skills-does-a-music-producer-need",
        next_steps_md="Lesson 4 asks whether **creativity** can be learned.",
    )
    by_position = {position: (kind, heading, body) for position, kind, heading, body in LESSON_3_SECTIONS}
    for position in CREATION_ORDER:
        kind, heading, body = by_position[position]
        SectionFactory(lesson=lesson, position=position, kind=kind, heading=heading, body_md=body)
    FAQFactory(lesson=lesson, position=2, question="Is time on the wrong skills wasted?", answer_md="Rarely: skills transfer.")
    FAQFactory(lesson=lesson, position=1, question="Is it fine to be stronger in some areas?", answer_md="Yes, *everyone* is.")
    for position, term, summary in [
        (1, "Spectrum", "Five categories of producer skill."),
        (2, "Blind Spots", "The categories you overlook."),
        (3, "Strategy", "Priorities that follow your path."),
    ]:
        QuickReferenceFactory(lesson=lesson, position=position, term=term, summary=summary)
    return lesson


@pytest.fixture
def lesson_4(why_module):
    return LessonFactory(module=why_module, number=4, position=4, title="Can Creativity Be Learned?", slug="can-creativity-be-learned")


@pytest.fixture
def lesson_3_page(student_client, lesson_3, lesson_4):
    response = student_client.get(lesson_3.get_absolute_url())
    assert response.status_code == 200
    return response


# --- What the student sees ------------------------------------------------------------


def test_breadcrumb_reads_core_track_then_module_then_lesson_number(lesson_3_page, core_track):
    """The breadcrumb is "Core Track → Why Learn Anything? → Lesson 3", the first two linking to the track."""
    breadcrumb = parse(lesson_3_page).one("nav", cls="breadcrumb")

    items = breadcrumb.select("li")

    assert [li.text for li in items] == ["Core Track", "Why Learn Anything?", "Lesson 3"]
    track_url = reverse("lessons:track", kwargs={"slug": core_track.slug})
    assert items[0].one("a").attrs["href"] == track_url
    assert items[1].one("a").attrs["href"] == f"{track_url}#module-why-learn-anything"
    assert items[2].select("a") == []
    assert items[2].attrs.get("aria-current") == "page"


def test_page_shows_the_lesson_title_and_subtitle(lesson_3_page):
    """The header shows the lesson's title and its subtitle."""
    page = parse(lesson_3_page)

    assert page.one("h1").text == "What Skills Does a Music Producer Need?"
    assert page.one("p", cls="lesson__subtitle").text == "A Soft Synced Companion Guide"
    assert "<title>What Skills Does a Music Producer Need? · Soft Synced</title>" in lesson_3_page.content.decode()


def test_table_of_contents_lists_the_section_headings_in_order(lesson_3_page):
    """The contents list every section heading in position order, then FAQs, quick reference and next steps."""
    toc = parse(lesson_3_page).one("nav", cls="toc")

    entries = [(a.text, a.attrs["href"]) for a in toc.select("a")]

    headings = [heading for _, _, heading, _ in LESSON_3_SECTIONS]
    assert [text for text, _ in entries] == [
        *headings,
        "Frequently asked questions",
        "Quick reference",
        "Next steps",
    ]
    assert entries[0][1] == "#how-to-use-this-guide"
    assert entries[-1][1] == "#next-steps"


def test_sections_appear_in_position_order_whatever_order_they_were_written(lesson_3_page):
    """The Guide's section headings come in `position` order in the HTML."""
    html = lesson_3_page.content.decode()
    body = parse(lesson_3_page).one("div", cls="lesson__body")

    headings = [heading for _, _, heading, _ in LESSON_3_SECTIONS]
    assert [h2.text for h2 in body.select("h2")] == headings
    offsets = [html.index(f">{heading}</h2>") for heading in headings]
    assert offsets == sorted(offsets)
    assert [s.attrs["data-position"] for s in body.select("section")] == ["1", "2", "3", "4", "5"]


def test_each_section_kind_uses_its_own_template_and_shows_its_body(lesson_3_page):
    """The callout is an <aside>, prose sections are plain, and every body's text is on the page."""
    body = parse(lesson_3_page).one("div", cls="lesson__body")

    callout = body.one("section", id_="how-to-use-this-guide")
    assert callout.one("aside", cls="callout").one("h2").text == "How to use this guide"
    for _, _, heading, text in LESSON_3_SECTIONS:
        assert text in body.text, heading


def test_faqs_are_expandable_questions_with_their_answers(lesson_3_page):
    """Each FAQ is a <details> whose <summary> is the question, in position order, with the answer inside."""
    faqs = parse(lesson_3_page).one("section", id_="faqs")

    details = faqs.select("details")

    assert [d.one("summary").text for d in details] == [
        "Is it fine to be stronger in some areas?",
        "Is time on the wrong skills wasted?",
    ]
    assert details[0].one("div", cls="faq__answer").text == "Yes, everyone is."
    assert details[0].one("em").text == "everyone"


def test_quick_reference_shows_each_term_with_its_summary(lesson_3_page):
    """Quick reference cards pair each term with its one-line summary."""
    cards = parse(lesson_3_page).one("section", id_="quick-reference").select("div", cls="qr-card")

    assert [(c.one("dt").text, c.one("dd").text) for c in cards] == [
        ("Spectrum", "Five categories of producer skill."),
        ("Blind Spots", "The categories you overlook."),
        ("Strategy", "Priorities that follow your path."),
    ]


def test_next_steps_show_the_authors_text_and_link_to_the_next_lesson(lesson_3_page, lesson_4):
    """Next steps render the author's text and link to Lesson 4."""
    next_steps = parse(lesson_3_page).one("section", id_="next-steps")

    assert "Lesson 4 asks whether creativity can be learned." in next_steps.text
    link = next_steps.one("a")
    assert link.attrs["href"] == lesson_4.get_absolute_url() == "/lessons/can-creativity-be-learned/"
    assert link.text == "Next: Lesson 4 — Can Creativity Be Learned?"


def test_last_lesson_of_a_track_links_back_to_the_track(student_client, lesson_3, core_track):
    """With no lesson after it, next steps link back to the track instead."""
    page = parse(student_client.get(lesson_3.get_absolute_url()))

    link = page.one("section", id_="next-steps").one("a")

    assert link.attrs["href"] == core_track.get_absolute_url()
    assert link.text == "Back to Core Track"


def test_next_steps_follow_the_track_order_even_when_positions_are_equal(student_client, why_module, core_track):
    """Lessons left at the default position 0 still link on, and the last of a module links to the next module."""
    first = LessonFactory(module=why_module, position=0, title="First")
    second = LessonFactory(module=why_module, position=0, title="Second")
    next_module = ModuleFactory(track=core_track, position=why_module.position)
    third = LessonFactory(module=next_module, position=0, title="Third")

    def next_link(lesson):
        return parse(student_client.get(lesson.get_absolute_url())).one("section", id_="next-steps").one("a").attrs["href"]

    assert next_link(first) == second.get_absolute_url()
    assert next_link(second) == third.get_absolute_url()
    assert next_link(third) == core_track.get_absolute_url()


def test_next_steps_skip_a_draft_for_students(student_client, why_module, lesson_3):
    """A draft between two lessons is skipped by the Next link."""
    LessonFactory(module=why_module, position=4, number=4, status=Lesson.Status.DRAFT, title="Unfinished")
    lesson_5 = LessonFactory(module=why_module, position=5, number=5, title="Five")

    link = parse(student_client.get(lesson_3.get_absolute_url())).one("section", id_="next-steps").one("a")

    assert link.attrs["href"] == lesson_5.get_absolute_url()


def test_anonymous_visitor_is_sent_to_the_login_page(client, lesson_3, core_track):
    """Without a login, the Guide, the track page and the dashboard redirect to the login page."""
    login = reverse("account_login")
    for url in [lesson_3.get_absolute_url(), core_track.get_absolute_url(), reverse("dashboard")]:
        response = client.get(url)

        assert response.status_code == 302, url
        assert response.url.startswith(f"{login}?next="), url


# --- Query counts that do not grow with the content ------------------------------------------


@pytest.fixture(autouse=True)
def _answers_built(monkeypatch):
    """Every page here is built, not served from the student's answer cache: the counts are of the build."""
    from django.core.cache import caches

    original = caches["answers"].get
    monkeypatch.setattr(caches["answers"], "get", lambda *args, **kwargs: None)
    yield
    monkeypatch.setattr(caches["answers"], "get", original)


def test_guide_page_runs_the_same_queries_for_3_and_30_sections(
    student_client, make_lesson, django_assert_max_num_queries, django_assert_num_queries
):
    """A Guide with 30 sections, FAQs and cards costs exactly the queries of one with 3."""
    small = make_lesson(sections=3, faqs=3, cards=3)
    large = make_lesson(sections=30, faqs=30, cards=30)
    student_client.get(reverse("dashboard"))  # the session is warm for both

    with django_assert_max_num_queries(LESSON_PAGE_MAX_QUERIES) as small_queries:
        small_response = student_client.get(small.get_absolute_url())
    with django_assert_num_queries(len(small_queries)):
        large_response = student_client.get(large.get_absolute_url())

    assert small_response.status_code == large_response.status_code == 200
    assert len(parse(large_response).one("div", cls="lesson__body").select("section")) == 30


def _lesson_3_shape(make_lesson, student, *, sections: int) -> Lesson:
    """A lesson like Lesson 3: a warm-up prompt the student answered, its recall later on, a Your Turn."""
    lesson = make_lesson(sections=sections, faqs=sections, cards=sections)
    turn = TurnFactory(lesson=lesson)
    categories = [CategoryFactory(framework=turn.framework) for _ in range(5)]
    prompt = SectionFactory(lesson=lesson, kind=Section.Kind.WARMUP_PROMPT, heading="Warm-up", position=0)
    SectionFactory(lesson=lesson, kind=Section.Kind.RECALL, heading="Blind spots", recall_of=prompt, position=sections + 1)
    for n in range(1, 4):
        PromptAnswer.objects.create(user=student, section=prompt, position=n, text=f"Skill {n}", category=categories[n])
    return lesson


def test_guide_with_a_warm_up_and_its_recall_costs_the_same_for_3_and_30_sections(
    student_client, student, make_lesson, django_assert_max_num_queries, django_assert_num_queries
):
    """The warm-up answers, their recall and the Your Turn link add a fixed number of queries."""
    small = _lesson_3_shape(make_lesson, student, sections=3)
    large = _lesson_3_shape(make_lesson, student, sections=30)
    student_client.get(reverse("dashboard"))

    with django_assert_max_num_queries(LESSON_3_SHAPE_MAX_QUERIES) as small_queries:
        small_response = student_client.get(small.get_absolute_url())
    with django_assert_num_queries(len(small_queries)):
        large_response = student_client.get(large.get_absolute_url())

    assert small_response.status_code == large_response.status_code == 200
    recall = parse(large_response).one("section", cls="guide-section--recall")
    assert [text in recall.text for text in ("Skill 1", "Skill 2", "Skill 3")] == [True] * 3


def test_reopening_a_guide_does_not_cost_more_than_the_first_visit(student_client, make_lesson, django_assert_max_num_queries):
    """A second visit (progress already there) stays under the same ceiling."""
    lesson = make_lesson(sections=30)
    student_client.get(lesson.get_absolute_url())

    with django_assert_max_num_queries(LESSON_PAGE_MAX_QUERIES):
        assert student_client.get(lesson.get_absolute_url()).status_code == 200


def _grow_course(*, module, student, count: int, start: int) -> None:
    """Add `count` published lessons to `module`; the student finishes every third and starts the next."""
    for n in range(start, start + count):
        lesson = LessonFactory(module=module, number=n, position=n, title=f"Grown lesson {n}")
        if n % 3 == 0:
            services.progress_mark_done(user=student, lesson=lesson)
        elif n % 3 == 1:
            services.progress_start(user=student, lesson=lesson)


@pytest.fixture
def course(why_module, student):
    """Two lessons in each of: the Core Track, a locked Extension Course and an unlocked one.

    The student read the unlocked course last, so Continue points into an
    Extension Course: the dearest case for the dashboard.
    """
    core_track = why_module.track
    locked = ModuleFactory(track=ExtensionTrackFactory(title="Studio Culture", position=5))
    unlocked = ModuleFactory(track=ExtensionTrackFactory(title="Release Day", position=6))
    services.track_unlock(user=student, track=unlocked.track)
    services.unlock_notices_take(user=student)
    _grow_course(module=why_module, student=student, count=2, start=1)
    _grow_course(module=locked, student=student, count=2, start=101)
    _grow_course(module=unlocked, student=student, count=2, start=201)
    return {"core": why_module, "locked": locked, "unlocked": unlocked, "core_track": core_track}


def test_dashboard_runs_the_same_queries_for_2_and_20_lessons(
    student_client, student, course, django_assert_max_num_queries, django_assert_num_queries
):
    """The dashboard costs the same with 20 lessons per track as with 2."""
    url = reverse("dashboard")
    student_client.get(url)
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES) as two_lessons:
        assert student_client.get(url).status_code == 200

    for key, start in [("core", 3), ("locked", 103), ("unlocked", 203)]:
        _grow_course(module=course[key], student=student, count=18, start=start)
    with django_assert_num_queries(len(two_lessons)):
        response = student_client.get(url)

    core_card = parse(response).one("section", cls="card", **{"aria-labelledby": "track-core-heading"})
    assert "6 of 20 lessons done" in core_card.text
    assert parse(response).one("section", cls="continue-card").one("a").attrs["href"].startswith("/lessons/")


@pytest.mark.parametrize("which", ["core", "unlocked"])
def test_track_page_runs_the_same_queries_for_2_and_20_lessons(
    student_client, student, course, which, django_assert_max_num_queries, django_assert_num_queries
):
    """A track page costs the same with 20 lessons (in two modules) as with 2."""
    track = course[which].track
    url = track.get_absolute_url()
    student_client.get(url)
    with django_assert_max_num_queries(TRACK_PAGE_MAX_QUERIES[which]) as two_lessons:
        assert student_client.get(url).status_code == 200

    _grow_course(module=course[which], student=student, count=9, start=1003)
    _grow_course(module=ModuleFactory(track=track, position=99), student=student, count=9, start=1012)
    with django_assert_num_queries(len(two_lessons)):
        response = student_client.get(url)

    page = parse(response)
    assert len(page.select("li", cls="lesson-list__item")) == 20
    assert "of 20 lessons done" in page.one("p", cls="track-progress").text
