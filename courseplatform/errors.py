"""Domain errors: what an app refuses, said once, rendered by the API plumbing.

An app raises a subclass of `DomainError` from a selector or service; the API's
exception handler (`courseplatform.api.errors`) renders any of them in the one
error shape without knowing the app, so the plumbing imports no app's models.
Web views catch the subclass they care about and show their own page.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal with an HTTP status, a machine-readable code and a sentence for a person.

    Subclasses set `status` and `code`, and override `message_for` and
    `extra_for` when the words or the payload depend on who asked.
    """

    status: int = 400
    code: str = "invalid"

    def message_for(self, user: Any) -> str:
        return str(self)

    def extra_for(self, user: Any) -> dict[str, Any]:
        """More top-level keys for the error object (e.g. `track` for `track_locked`)."""
        return {}
