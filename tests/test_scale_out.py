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

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

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

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "two-servers-one-student"
WRITE_RATE = 10  # per minute, per student: low enough to exceed in the test
LOGIN = "/_allauth/app/v1/auth/login"
SESSION = "/_allauth/app/v1/auth/session"


# --- Infrastructure ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


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
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("Scale-out needs Redis: none answers on 127.0.0.1:6379 and redis-server is not installed.")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not redis_answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.skip("Scale-out needs Redis: none answers on 6379 and redis-server did not start.")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def database_url() -> str:
    """The pytest-django test database, as a DATABASE_URL the servers can use."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: dict


class AppServer:
    """`gunicorn courseplatform.wsgi` with production settings on a loopback port."""

    def __init__(self, name: str, env: dict[str, str]):
        self.name = name
        self.port = free_port()
        self.log = PROJECT_ROOT / "bench-results" / f"scale-out-{name}.log"
        self.log.parent.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "courseplatform.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--log-level", "warning", "--error-logfile", str(self.log)],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )

    def wait(self, timeout: float = 45) -> None:
        deadline = time.monotonic() + timeout
        while not answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server {self.name} did not start:\n{self.log.read_text() if self.log.exists() else ''}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def request(self, method: str, path: str, body: dict | None = None, *, token: str | None = None,
                headers: dict[str, str] | None = None) -> Response:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("X-Session-Token", token)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (loopback)
                status, raw, head = answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            status, raw, head = error.code, error.read(), dict(error.headers)
        return Response(status, head, json.loads(raw) if raw else {})


@pytest.fixture(scope="module")
def servers(postgresql_only, redis_url) -> Iterator[tuple[AppServer, AppServer]]:
    """Servers A and B: same database, same Redis, nothing else in common (started once for the module)."""
    prefix = f"scale-out-{secrets.token_hex(4)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="courseplatform.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="ERROR",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=prefix,
        API_WRITE_RATE=f"{WRITE_RATE}/minute",
        API_READ_RATE="1000/minute",
    )
    pair = (AppServer("a", env), AppServer("b", env))
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
    # Production verifies every address (by code) before a login: this student already has.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
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
    response = server.request("POST", LOGIN, {"email": email, "password": PASSWORD})
    assert response.status == 200, response.body
    return response.body["meta"]["session_token"]


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
