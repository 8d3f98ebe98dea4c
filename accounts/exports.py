"""Everything the platform holds about a person, as sections of one JSON export.

`accounts` sits at the bottom of the dependency order, so it cannot know what
`lessons` or `assessments` store. Each app registers the sections it owns,
from its `AppConfig.ready()`::

    register_export_section("reading_progress", reading_progress)

A provider is `provider(user) -> JSON-ready value` (dicts, lists, strings,
numbers, booleans, None; datetimes and dates are turned into ISO 8601 by
`accounts.services.account_export`). It must run a fixed number of queries,
however many rows the person has (select_related / prefetch_related), and
return only the person's own rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress

from accounts.models import User

ExportProvider = Callable[[User], Any]

_sections: dict[str, ExportProvider] = {}


def register_export_section(name: str, provider: ExportProvider) -> ExportProvider:
    """Add the section `name` to every export. A name belongs to one provider."""
    registered = _sections.get(name)
    if registered is not None and registered is not provider:
        raise ValueError(f"The export section {name!r} is already registered by {registered!r}.")
    _sections[name] = provider
    return provider


def export_sections() -> dict[str, ExportProvider]:
    """The registered sections, in registration order."""
    return dict(_sections)


# --- What accounts holds --------------------------------------------------------------


def profile(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "definition_of_success": user.definition_of_success,
        "producer_path": user.producer_path,
        "reminders_opt_in": user.reminders_opt_in,
        "depth_points": user.depth_points,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_staff": user.is_staff,
    }


def email_addresses(user: User) -> list[dict[str, Any]]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    ]


def two_factor_authenticators(user: User) -> list[dict[str, Any]]:
    """Which second factors are set up and when they were used; never their secrets."""
    from allauth.mfa.models import Authenticator

    return [
        {"type": authenticator.type, "created_at": authenticator.created_at, "last_used_at": authenticator.last_used_at}
        for authenticator in Authenticator.objects.filter(user=user).order_by("created_at", "pk")
    ]


register_export_section("profile", profile)
register_export_section("email_addresses", email_addresses)
register_export_section("two_factor_authenticators", two_factor_authenticators)
