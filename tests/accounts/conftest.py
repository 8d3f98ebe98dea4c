"""Helpers for the account security tests: captured security events and real rate limits."""

import json
import logging

import pytest

# Production's rates (settings/base.py); tests/settings turn rate limits off, these tests put them back.
PRODUCTION_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/m/ip"}


class SecurityLog(logging.Handler):
    """The `softsynced.security` lines of one test, parsed back from JSON."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    @property
    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]

    def named(self, event: str) -> list[dict]:
        return [e for e in self.events if e["event"] == event]


@pytest.fixture
def security_log():
    logger = logging.getLogger("softsynced.security")
    handler = SecurityLog()
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.fixture
def rate_limits(settings):
    """allauth's rate limits as in production (the test settings turn them off)."""
    settings.ACCOUNT_RATE_LIMITS = dict(PRODUCTION_RATE_LIMITS)
    return settings.ACCOUNT_RATE_LIMITS
