"""Fixtures for the browser journeys: one headless Chromium per session, a fresh
context per page, and guards that fail a test on any JavaScript error or broken asset.

Every test here runs against pytest-django's `live_server`, which serves the
static files itself (the test settings use plain StaticFilesStorage), so a
missing stylesheet or script shows up as a 404 and fails the test.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    WebError,
    expect,
    sync_playwright,
)

from tests.browser.chromium import ensure_chromium, launch
from tests.factories import UserFactory

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# Fail fast: a journey step that needs more than this is broken, not slow (the
# margin is for a busy two-core CI machine).
ACTION_TIMEOUT_MS = 10_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, installed on first use when missing, shared by the whole session."""
    problem = ensure_chromium()
    if problem:
        pytest.skip(f"Browser tests need Chromium: {problem}")
    # Playwright's sync API keeps an asyncio loop running in this thread, and Django
    # refuses ORM calls whenever it sees a running loop. The tests' own ORM calls
    # (setting up data, flushing the database) are plain synchronous code, so
    # allow them while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = launch(playwright)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# --- Guards: console errors, page errors, broken own assets --------------------------


STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")


@dataclass
class Problems:
    """What went wrong in the browser during one test, collected from every context.

    A test that opens a 403 or 404 page on purpose says so with `expect(path, status)`;
    Chromium logs such a page as a failed resource, which is then not a problem.
    """

    origin: str
    found: list[str] = field(default_factory=list)
    expected: set[tuple[str, int]] = field(default_factory=set)

    def expect(self, path: str, status: int) -> None:
        self.expected.add((path, status))

    def _own(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def _was_expected(self, message: ConsoleMessage) -> bool:
        where = urlsplit((message.location or {}).get("url", ""))
        return any(where.path == path and f"status of {status} " in message.text for path, status in self.expected)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not self._was_expected(message):
            page = message.page.url if message.page else "?"
            self.found.append(f"console error on {page}: {message.text} ({(message.location or {}).get('url', '')})")

    def on_page_error(self, error: WebError) -> None:
        self.found.append(f"uncaught JavaScript error on {error.page.url if error.page else '?'}: {error.error}")

    def on_response(self, response: Response) -> None:
        if not self._own(response.url) or response.status < 400:
            return
        path = urlsplit(response.url).path
        # A 403 locked page or a 404 draft lesson is a page the test asks for on
        # purpose and checks itself; a broken asset or a server error never is.
        if path.startswith(STATIC_PREFIX):
            self.found.append(f"asset {path} answered {response.status}")
        elif response.status >= 500:
            self.found.append(f"{response.request.method} {path} answered {response.status}")

    def on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # ERR_ABORTED is a request the page itself gave up on (the test navigated
        # away while a reading-progress beacon was in flight); a missing file is a 404 above.
        if self._own(request.url) and "ERR_ABORTED" not in failure:
            self.found.append(f"{request.method} {urlsplit(request.url).path} failed: {failure}")

    def watch(self, context: BrowserContext) -> None:
        context.on("console", self.on_console)
        context.on("weberror", self.on_page_error)
        context.on("response", self.on_response)
        context.on("requestfailed", self.on_request_failed)


def log_in(context: BrowserContext, user, base_url: str) -> None:
    """Give the browser a logged-in session for `user` without going through the form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])


OpenPage = Callable[..., Page]


@pytest.fixture
def browser_problems(live_server) -> Problems:
    return Problems(origin=live_server.url)


@pytest.fixture
def open_page(browser: Browser, live_server, browser_problems: Problems, transactional_db) -> Iterator[OpenPage]:
    """`open_page(user=None, viewport=DESKTOP)`: a page in a new browser context.

    Each call is a separate person (own cookies). Any console error, uncaught
    exception, failed own request, broken asset or 5xx in any of them fails the test.
    Asking for `transactional_db` here makes the contexts close before the database
    is flushed, so no late request from the page races the flush.
    """
    problems = browser_problems
    contexts: list[BrowserContext] = []

    def open_(user=None, viewport: dict | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or DESKTOP, accept_downloads=True, reduced_motion="reduce"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        problems.watch(context)
        contexts.append(context)
        if user is not None:
            log_in(context, user, live_server.url)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()
    assert not problems.found, "The browser reported problems:\n  " + "\n  ".join(problems.found)


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A desktop-sized page for someone not logged in yet."""
    return open_page()


# --- Data ----------------------------------------------------------------------------


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo course (Core Track, Lesson 3, the Studio Culture extension) and demo logins."""
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def make_student(transactional_db) -> Callable[..., object]:
    """`make_student(**fields)`: a student (password `tests.factories.DEFAULT_PASSWORD`)."""

    def make(**fields):
        return UserFactory(**fields)

    return make
