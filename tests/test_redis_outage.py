"""Redis is optional at run time: with it gone, pages and the API answer from the database.

Starts a private `redis-server` on a free port and a gunicorn (two workers,
production settings) against the test database and that Redis, signs a
student in, then kills Redis mid-run. While it is down: signed-in web pages,
API reads and writes, and a new login all answer without a 5xx, and the rate
limit fails open (more writes than it allows go through), with a warning in
the log. Redis is then started again on the same port, and, with no restart of
the app, the rate limit counts again.

Runs in the PostgreSQL pass (the servers share the test database); skipped on
SQLite, and when redis-server is not installed (`apt-get install redis-server`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from assessments.models import SkillSnapshot
from tests.api.conftest import add_lesson3, ratings, words
from tests.factories import UserFactory
from tests.servers import AppServer, RedisServer, postgresql_database_url, production_env, wait_for_room_in_window

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PASSWORD = "redis-may-go-away-1"
WRITE_RATE = 5  # per hour: low enough to pass during the outage and to hit after it


@pytest.fixture(scope="module")
def redis(django_db_setup) -> Iterator[RedisServer]:
    if connection.vendor != "postgresql":
        pytest.skip("The Redis outage test runs in the PostgreSQL pass (DATABASE_URL=postgres://...).")
    server = RedisServer()
    if server.binary is None:
        pytest.skip("The Redis outage test needs redis-server (apt-get install redis-server).")
    if not server.start():
        pytest.skip("redis-server did not start.")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app(redis) -> Iterator[AppServer]:
    env = production_env(
        DATABASE_URL=postgresql_database_url(),
        REDIS_URL=redis.url,
        CACHE_KEY_PREFIX=f"outage-{secrets.token_hex(4)}",
        API_WRITE_RATE=f"{WRITE_RATE}/hour",
        API_READ_RATE="1000/minute",
        DJANGO_LOG_LEVEL="WARNING",
    )
    server = AppServer("redis-outage", env)
    try:
        server.wait()
        yield server
    finally:
        server.stop()


@pytest.fixture
def student():
    # Production's hasher with few iterations (the servers do not know the test settings' MD5).
    user = UserFactory(email="no-redis@example.com")
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "outagesalt", iterations=1000)
    user.save(update_fields=["password"])
    # Production asks for a confirmed address before a login (ACCOUNT_EMAIL_VERIFICATION).
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def web_pages(course) -> list[str]:
    slug = course.lesson.slug
    return ["/", f"/tracks/{course.track.slug}/", f"/lessons/{slug}/", f"/lessons/{slug}/your-turn/", "/skills/",
            "/depth-points/", "/profile/"]


def api_reads(course) -> list[str]:
    return ["/api/v1/me/", "/api/v1/tracks/", f"/api/v1/tracks/{course.track.slug}/",
            f"/api/v1/lessons/{course.lesson.slug}/", "/api/v1/snapshots/", "/api/v1/depth-points/"]


def api_writes(course) -> list[tuple[str, str, dict | None]]:
    slug = course.lesson.slug
    return [
        ("PUT", f"/api/v1/lessons/{slug}/progress/", {"section": course.prompt.pk}),
        ("PUT", f"/api/v1/lessons/{slug}/prompt-response/", {"answers": [{"text": "EQ", "category": "technical"}]}),
        ("POST", f"/api/v1/lessons/{slug}/your-turn/snapshots/", {"ratings": ratings()}),
        ("PUT", f"/api/v1/lessons/{slug}/your-turn/reflections/2/", {"text": words(12)}),
        ("POST", f"/api/v1/lessons/{slug}/your-turn/complete/", None),
        ("PATCH", "/api/v1/me/", {"display_name": "Still here"}),
        ("PUT", f"/api/v1/lessons/{slug}/progress/", {"finished": True}),
    ]


def test_with_redis_gone_everything_answers_from_the_database_and_throttles_return_with_it(app, redis, student):
    course = add_lesson3()
    token = app.log_in(student.email, PASSWORD)
    web = {"Cookie": f"sessionid={token}"}  # the headless token is the session key: the web sees it too
    for path in web_pages(course):
        assert app.request("GET", path, headers=web).status == 200, path
    assert app.request("GET", "/api/v1/me/", token=token).status == 200

    redis.stop()  # mid-run, with sessions and content cached in it

    statuses: dict[str, int] = {}
    later_token = app.log_in(student.email, PASSWORD)
    for path in web_pages(course):
        statuses[f"web GET {path}"] = app.request("GET", path, headers=web).status
    for path in api_reads(course):
        statuses[f"GET {path}"] = app.request("GET", path, token=token).status
        statuses[f"GET {path} (token made during the outage)"] = app.request("GET", path, token=later_token).status
    for n, (method, path, body) in enumerate(api_writes(course)):
        key = {"Idempotency-Key": f"outage-{n}"}
        statuses[f"{method} {path} #{n}"] = app.request(method, path, body, token=token, headers=key).status

    assert {name: status for name, status in statuses.items() if status >= 300} == {}
    # More writes than WRITE_RATE went through: the rate limit failed open, and said so.
    assert len(api_writes(course)) > WRITE_RATE
    assert SkillSnapshot.objects.filter(user=student).count() == 1
    assert "Redis unavailable" in app.log_text()

    assert redis.start()  # same port, empty; the app is not restarted

    for path in web_pages(course):
        assert app.request("GET", path, headers=web).status == 200, path
    url = f"/api/v1/lessons/{course.lesson.slug}/progress/"
    wait_for_room_in_window(3600, needed=60)  # the count must not start again half way
    counted = [app.request("PUT", url, {}, token=later_token).status for _ in range(WRITE_RATE + 1)]
    assert counted == [200] * WRITE_RATE + [429]
