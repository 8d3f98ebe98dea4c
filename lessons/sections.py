"""Extension points for what the Guide page shows from other apps.

`lessons` renders every section of a Guide, but some kinds (the warm-up prompt
and its recall) show a student's own data, and the page links to the lesson's
Your Turn; other apps own those. They register providers here at start-up, so
`lessons` never imports them.
"""

from collections.abc import Callable, Sequence
from typing import Any

from .models import Lesson, Section

# A provider returns, per section id, a typed block the section's template shows
# (as `data`, through `data.template_name`) and the API presents.
SectionDataProvider = Callable[[Any, Lesson, Sequence[Section]], dict[int, Any]]
LessonContextProvider = Callable[[Any, Lesson], dict[str, Any]]

_section_providers: list[SectionDataProvider] = []
_lesson_providers: list[LessonContextProvider] = []


def register_section_data(provider: SectionDataProvider) -> SectionDataProvider:
    """Register `provider(user, lesson, sections) -> {section_id: block}`."""
    if provider not in _section_providers:
        _section_providers.append(provider)
    return provider


def register_lesson_context(provider: LessonContextProvider) -> LessonContextProvider:
    """Register `provider(user, lesson) -> extra template context for the Guide page`."""
    if provider not in _lesson_providers:
        _lesson_providers.append(provider)
    return provider


def section_data_for(user, lesson: Lesson, sections: Sequence[Section]) -> dict[int, Any]:
    """Each section's per-student block (one provider owns a section), by section id."""
    data: dict[int, Any] = {}
    for provider in _section_providers:
        data.update(provider(user, lesson, sections))
    return data


def lesson_context_for(user, lesson: Lesson) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _lesson_providers:
        context.update(provider(user, lesson))
    return context
