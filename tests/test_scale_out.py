"""Two app servers behind one address: a student moves between them and nothing is lost.

Production is N stateless gunicorn servers sharing PostgreSQL and Redis. This starts
two (two workers each) on loopback ports against the test database and a Redis, and
walks a student across them: log in on A, carry on on B. Reading progress, Depth
points, idempotency keys, rate limits and logout hold across both, which they could
not if anything a request needs lived in one process's memory or on one disk.

Runs in the PostgreSQL pass of CI (`DATABASE_URL=postgres://...`); on SQLite it is
skipped, as is it when no Redis answers on 6379 and `redis-server` cannot be started.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from assessments.models import PointsEntry, SkillSnapshot, TurnStep
from tests.factories import (
    CategoryFactory,
    FrameworkFactory,
    LessonFactory,
    ModuleFactory,
    SectionFactory,
    TrackFactory,
    TurnFactory,
    TurnStepFactory,
    UserFactory,
)
from tests.servers import (
    SESSION,
    AppServer,
    RedisServer,
    postgresql_database_url,
    production_env,
    redis_answers,
    wait_for_room_in_window,
)

PASSWORD = "two-servers-one-student"
WRITE_RATE = 10  # per hour, per student: low enough to exceed in the test


# --- Infrastructure ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgresql_only(django_db_setup) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Scale-out runs in the PostgreSQL pass: two app servers cannot share an SQLite file "
                    "the way production servers share PostgreSQL (set DATABASE_URL=postgres://...).")


@pytest.fixture(scope="module")
def redis_url(postgresql_only) -> Iterator[str]:
    """A Redis on 127.0.0.1: the one on 6379, or a private one started here."""
    if redis_answers(6379):
        yield "redis://127.0.0.1:6379/0"
        return
    redis = RedisServer()
    try:
        if not redis.start():
            pytest.skip("Scale-out needs Redis: none answers on 127.0.0.1:6379 and redis-server could not start.")
        yield redis.url
    finally:
        redis.stop()


@pytest.fixture(scope="module")
def servers(postgresql_only, redis_url) -> Iterator[tuple[AppServer, AppServer]]:
    """Servers A and B: same database, same Redis, nothing else in common (started once for the module)."""
    prefix = f"scale-out-{secrets.token_hex(4)}"
    env = production_env(
        DATABASE_URL=postgresql_database_url(),
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=prefix,
        API_WRITE_RATE=f"{WRITE_RATE}/hour",
        API_READ_RATE="1000/minute",
    )
    pair = (AppServer("scale-out-a", env), AppServer("scale-out-b", env))
    try:
        for server in pair:
            server.wait()
        yield pair
    finally:
        for server in pair:
            server.stop()
        _forget_keys(redis_url, prefix)


def _forget_keys(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}:*", count=500):
        client.delete(key)


# --- The course --------------------------------------------------------------------------


def a_student(email: str):
    # The servers run production's password hashers; the test settings only know MD5.
    # A low iteration count keeps the login quick (Django upgrades the hash on login).
    user = UserFactory(email=email)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt", iterations=1000)
    user.save(update_fields=["password"])
    # Production asks for a confirmed address before a login (ACCOUNT_EMAIL_VERIFICATION).
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def course(transactional_db):
    track = TrackFactory(title="Core Track", slug="core")
    module = ModuleFactory(track=track, slug="why", position=1)
    lesson = LessonFactory(module=module, slug="skills", number=3, position=3)
    sections = [SectionFactory(lesson=lesson, heading=f"Part {n}", position=n) for n in range(1, 4)]
    framework = FrameworkFactory(slug="spectrum")
    for position, slug in enumerate(["technical", "creative", "business"]):
        CategoryFactory(framework=framework, slug=slug, name=slug.title(), position=position)
    turn = TurnFactory(lesson=lesson, framework=framework)
    TurnStepFactory(turn=turn, number=1, kind=TurnStep.Kind.RATE, points=0, min_words=0)
    TurnStepFactory(turn=turn, number=2, kind=TurnStep.Kind.REFLECTION, points=15, min_words=5)
    return {"lesson": lesson, "sections": sections}


def log_in(server: AppServer, email: str) -> str:
    return server.log_in(email, PASSWORD)


# --- The walk ------------------------------------------------------------------------------


# Every test commits its data (transactional_db), so the servers' connections see it.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_student_logs_in_on_one_server_and_carries_on_on_the_other(servers, course):
    a, b = servers
    student = a_student("roaming@example.com")
    lesson, sections = course["lesson"], course["sections"]
    token = log_in(a, student.email)

    # The session made on A is known on B.
    me = b.request("GET", "/api/v1/me/", token=token)
    assert me.status == 200 and me.body["email"] == student.email

    # Reading progress recorded on A is B's resume point.
    assert a.request("PUT", f"/api/v1/lessons/{lesson.slug}/progress/", {"section": sections[1].pk}, token=token).status == 200
    detail = b.request("GET", f"/api/v1/lessons/{lesson.slug}/", token=token)
    assert detail.status == 200
    assert detail.body["progress"]["furthest_section"] == sections[1].pk
    assert detail.body["progress"]["resume_anchor"] == sections[1].anchor

    # Points paid on B show on A, and are not paid again for an edit made on A.
    text = "Mixing taught me to listen before I reach for a plug-in."
    paid = b.request("PUT", f"/api/v1/lessons/{lesson.slug}/your-turn/reflections/2/", {"text": text}, token=token)
    assert paid.status == 200 and paid.body["points_awarded"] == 15
    again = a.request("PUT", f"/api/v1/lessons/{lesson.slug}/your-turn/reflections/2/", {"text": text + " Edited."}, token=token)
    assert again.status == 200 and again.body["points_awarded"] == 0
    points = a.request("GET", "/api/v1/depth-points/", token=token)
    assert points.body["balance"] == 15
    assert PointsEntry.objects.filter(user=student).count() == 1


def test_an_idempotency_key_used_on_one_server_is_honoured_on_the_other(servers, course):
    a, b = servers
    student = a_student("retrying@example.com")
    token = log_in(b, student.email)
    url = f"/api/v1/lessons/{course['lesson'].slug}/your-turn/snapshots/"
    ratings = {"technical": 7, "creative": 5, "business": 3}
    key = {"Idempotency-Key": "3f1c7a52-5b0e-4c57-9d8e-2a3b4c5d6e7f"}

    first = a.request("POST", url, {"ratings": ratings}, token=token, headers=key)
    replay = b.request("POST", url, {"ratings": ratings}, token=token, headers=key)
    reused = b.request("POST", url, {"ratings": {**ratings, "business": 9}}, token=token, headers=key)

    assert first.status == 201
    assert replay.status == 201 and replay.body == first.body
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert reused.status == 422 and reused.body["error"]["code"] == "idempotency_key_reused"
    assert SkillSnapshot.objects.filter(user=student).count() == 1


def test_the_rate_limit_counts_writes_on_both_servers_together(servers, course):
    a, b = servers
    student = a_student("eager@example.com")
    token = log_in(a, student.email)
    url = f"/api/v1/lessons/{course['lesson'].slug}/progress/"
    wait_for_room_in_window(3600, needed=60)  # the count must not start again half way

    statuses = [(a if n % 2 else b).request("PUT", url, {}, token=token) for n in range(WRITE_RATE + 1)]

    # Each server (and each of its two workers) saw at most 6 of the 11 writes: only shared
    # counters reach the limit.
    assert [r.status for r in statuses[:WRITE_RATE]] == [200] * WRITE_RATE
    assert statuses[WRITE_RATE].status == 429
    assert int(statuses[WRITE_RATE].headers["Retry-After"]) > 0


def test_logging_out_on_one_server_ends_the_token_on_the_other_at_once(servers, course):
    a, b = servers
    student = a_student("leaving@example.com")
    token = log_in(a, student.email)
    assert b.request("GET", "/api/v1/me/", token=token).status == 200  # the session is now in the cache too

    b.request("DELETE", SESSION, token=token)

    assert a.request("GET", "/api/v1/me/", token=token).status == 401
    assert b.request("GET", "/api/v1/me/", token=token).status == 401
