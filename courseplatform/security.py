"""Security events: one JSON object per line on the `softsynced.security` logger.

Failed logins, lock-outs, second-factor changes, admin writes and account
deletions are written here, so an operator can ship them to a log store and
alert on them. Each line is a JSON object with at least `event` and `at`
(UTC, ISO 8601), plus what the event is about (`user_id`, `ip`, ...).
Passwords, codes and secrets never appear.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger("softsynced.security")


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as allauth's rate limits see it (TRUSTED_PROXY_COUNT applied)."""
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request)
    except Exception:  # an unreadable address must not stop the event from being logged
        return None


def security_event(event: str, *, request: HttpRequest | None = None, level: int = logging.WARNING,
                   **fields: Any) -> dict[str, Any]:
    """Log one security event and return what was logged."""
    record: dict[str, Any] = {"event": event, "at": timezone.now().isoformat()}
    if request is not None:
        record["ip"] = client_ip(request)
        record["path"] = request.path
    record.update({key: value for key, value in fields.items() if value is not None})
    logger.log(level, json.dumps(record, default=str, sort_keys=True, ensure_ascii=True))
    return record
