"""The embedded SQLite database holds under concurrent writes from several server processes.

`make run` needs no database server: the default is one SQLite file. Served by
gunicorn with several workers, concurrent writes of one student then meet in
that file. Write transactions start IMMEDIATE (settings: `transaction_mode`) and
wait up to the busy timeout, so they queue instead of failing. Left DEFERRED, a
transaction that read first and then writes cannot take the write lock once
another process has written, and SQLite answers "database is locked" at once,
whatever the busy timeout: a 500.

This starts a real gunicorn (four workers, production settings) on a fresh
SQLite file in a temporary folder and sends each kind of write, 16 at a time.
It needs no server, so it runs in the SQLite pass; the PostgreSQL pass skips it
(it tests the embedded default, not the configured database).
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.servers import LOGIN, PROJECT_ROOT, AppServer, Response, production_env

CONCURRENCY = 16
PASSWORD = "sqlite-under-load-1"
EMAIL = "student@example.com"
LESSON = "what-skills-does-a-music-producer-need"
RATINGS = {"technical": 7, "creative": 6, "interpersonal": 4, "business": 3, "personal": 6}

LOGINS = 8  # each checks a full-strength password hash: 16 would take seconds of CPU on their own

# Migrate a fresh file, load the demo course and set the demo student's password, in one
# interpreter. The hash is production's own, at full strength: a cheaper one would be
# upgraded by every login, and each upgrade ends the sessions made before it.
PREPARE = f"""
import django
django.setup()
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from accounts.models import User
call_command("migrate", verbosity=0)
call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
User.objects.filter(email={EMAIL!r}).update(password=make_password({PASSWORD!r}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[AppServer]:
    if connection.vendor != "sqlite":
        pytest.skip("Tests the embedded SQLite default; this pass uses PostgreSQL.")
    path = tmp_path_factory.mktemp("sqlite-load") / "db.sqlite3"
    env = production_env(SQLITE_PATH=str(path), API_WRITE_RATE="100000/minute", API_READ_RATE="100000/minute")
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    prepared = subprocess.run([sys.executable, "-c", PREPARE], cwd=PROJECT_ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
    assert prepared.returncode == 0, prepared.stderr
    app = AppServer("sqlite-concurrency", env, workers=4)
    try:
        app.wait()
        yield app
    finally:
        app.stop()


def at_once(send: Callable[[int], Response], count: int = CONCURRENCY) -> list[Response]:
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        return list(pool.map(send, range(count)))


def assert_no_server_errors(responses: list[Response], server: AppServer, expected: int) -> None:
    statuses = Counter(r.status for r in responses)
    assert statuses == {expected: len(responses)}, (statuses, server.log_text()[-3000:])


@pytest.fixture(scope="module")
def token(server) -> str:
    """Concurrent logins (each writes a session and last_login) all succeed; one token is used on."""
    logins = at_once(lambda _: server.request("POST", LOGIN, {"email": EMAIL, "password": PASSWORD}), LOGINS)
    assert_no_server_errors(logins, server, 200)
    return logins[0].body["meta"]["session_token"]


def key(n: int) -> dict[str, str]:
    """Every other request carries an Idempotency-Key: both paths write under the same lock."""
    return {"Idempotency-Key": str(uuid.uuid4())} if n % 2 else {}


def test_concurrent_logins_all_succeed(token):
    assert token


def test_concurrent_progress_saves_all_succeed(server, token):
    responses = at_once(lambda n: server.request("PUT", f"/api/v1/lessons/{LESSON}/progress/", {"finished": n == 5},
                                                 token=token, headers=key(n)))
    assert_no_server_errors(responses, server, 200)


def test_concurrent_reflections_all_succeed_and_pay_once(server, token):
    url = f"/api/v1/lessons/{LESSON}/your-turn/reflections/2/"
    text = "My ratings lean towards the craft side and I rarely think about the business of music at all. "
    responses = at_once(lambda n: server.request("PUT", url, {"text": text * 3 + str(n)}, token=token, headers=key(n)))
    assert_no_server_errors(responses, server, 200)
    assert sum(r.body["points_awarded"] for r in responses) == responses[0].body["points"]


def test_concurrent_snapshots_all_succeed(server, token):
    url = f"/api/v1/lessons/{LESSON}/your-turn/snapshots/"
    responses = at_once(lambda n: server.request("POST", url, {"ratings": RATINGS}, token=token, headers=key(n)))
    assert_no_server_errors(responses, server, 201)
    assert len({r.body["id"] for r in responses}) == CONCURRENCY


def test_concurrent_completions_all_succeed_and_complete_once(server, token):
    rated = server.request("POST", f"/api/v1/lessons/{LESSON}/your-turn/snapshots/", {"ratings": RATINGS}, token=token)
    assert rated.status == 201  # a Turn with a rating step completes after a snapshot
    url = f"/api/v1/lessons/{LESSON}/your-turn/complete/"
    responses = at_once(lambda n: server.request("POST", url, token=token, headers=key(n)))
    assert_no_server_errors(responses, server, 200)
    assert sum(r.body["created"] for r in responses) == 1
