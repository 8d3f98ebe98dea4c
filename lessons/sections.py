"""Extension point for section kinds whose data lives outside this app.

`lessons` renders every section of a Guide, but some kinds (the warm-up prompt
and its recall) show a student's own data, which another app owns. That app
registers a provider here at start-up; `lessons` never imports it.
"""

from collections.abc import Callable, Sequence
from typing import Any

from .models import Lesson, Section

SectionDataProvider = Callable[[Any, Lesson, Sequence[Section]], dict[int, dict[str, Any]]]

_providers: list[SectionDataProvider] = []


def register_section_data(provider: SectionDataProvider) -> SectionDataProvider:
    """Register `provider(user, lesson, sections) -> {section_id: context}`."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def section_data_for(user, lesson: Lesson, sections: Sequence[Section]) -> dict[int, dict[str, Any]]:
    data: dict[int, dict[str, Any]] = {}
    for provider in _providers:
        for section_id, context in provider(user, lesson, sections).items():
            data.setdefault(section_id, {}).update(context)
    return data
