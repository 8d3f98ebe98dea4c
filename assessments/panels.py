"""Extension points for what the Your Turn and skills pages show from other apps.

Like `lessons.sections`: an app that builds on assessments (mentoring's sharing
controls and feedback) registers a provider at start-up, and the page includes
the blocks it returns, so assessments never imports that app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Panel:
    """A block a page includes: `{% include panel.template_name %}` with `panel` in its context."""

    template_name: str
    data: dict[str, Any] = field(default_factory=dict)


# provider(request, page) -> panels for the Your Turn page (page: selectors.TurnPage)
TurnPanelProvider = Callable[[Any, Any], list[Panel]]
# provider(request, history) -> panels for /skills/ (history: list[selectors.FrameworkHistory])
SkillsPanelProvider = Callable[[Any, Any], list[Panel]]

_turn_providers: list[TurnPanelProvider] = []
_skills_providers: list[SkillsPanelProvider] = []


def register_turn_panel(provider: TurnPanelProvider) -> TurnPanelProvider:
    if provider not in _turn_providers:
        _turn_providers.append(provider)
    return provider


def register_skills_panel(provider: SkillsPanelProvider) -> SkillsPanelProvider:
    if provider not in _skills_providers:
        _skills_providers.append(provider)
    return provider


def turn_panels_for(request, page) -> list[Panel]:
    return [panel for provider in _turn_providers for panel in provider(request, page)]


def skills_panels_for(request, history) -> list[Panel]:
    return [panel for provider in _skills_providers for panel in provider(request, history)]
