"""Fixtures for the lessons tests: a Core Track to hang lessons on, and a second browser."""

import pytest
from django.test import Client

from lessons.models import Lesson, Track
from tests.factories import FAQFactory, LessonFactory, ModuleFactory, QuickReferenceFactory, SectionFactory, TrackFactory

# --- Building a course ------------------------------------------------------------


@pytest.fixture
def core_track(db) -> Track:
    return TrackFactory(title="Core Track", slug="core", kind=Track.Kind.CORE, position=1)


@pytest.fixture
def why_module(core_track):
    return ModuleFactory(track=core_track, title="Why Learn Anything?", slug="why-learn-anything", position=1)


def lesson_with_parts(module, *, sections: int, faqs: int = 2, cards: int = 2, **lesson_fields) -> Lesson:
    """A published lesson with `sections` prose sections, FAQs and quick reference cards."""
    lesson = LessonFactory(module=module, **lesson_fields)
    for n in range(1, sections + 1):
        SectionFactory(lesson=lesson, heading=f"Heading {n}", position=n, body_md=f"Body of part {n}.")
    for n in range(1, faqs + 1):
        FAQFactory(lesson=lesson, question=f"Question {n}?", answer_md=f"Answer {n}.", position=n)
    for n in range(1, cards + 1):
        QuickReferenceFactory(lesson=lesson, term=f"Term {n}", summary=f"Summary {n}.", position=n)
    return lesson


@pytest.fixture
def make_lesson(why_module):
    def make(*, sections: int = 3, module=None, **fields) -> Lesson:
        return lesson_with_parts(module or why_module, sections=sections, **fields)

    return make


# --- A second person in the same test ------------------------------------------------


@pytest.fixture
def student_browser(student) -> Client:
    """The student in a browser of their own, for tests that also act as the author."""
    browser = Client()
    browser.force_login(student)
    return browser

