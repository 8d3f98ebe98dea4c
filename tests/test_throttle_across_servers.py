"""Two app servers count one student's requests together, exactly, even when they arrive at once.

The API's rate counters are in Redis, shared by every app server, and each
request adds one to its window's counter atomically. This starts two gunicorn
servers (four workers each) on one private Redis and sends a student's reads to
both at the same time: exactly the rate's number are answered, the rest are
429. (DRF's SimpleRateThrottle, which read and rewrote a list of timestamps,
let more through: two workers read the same list and each wrote back its own.)

Runs in both passes. On PostgreSQL the servers use the test database; on
SQLite they share a fresh database file, as `make run` would. Needs
`redis-server`: installed here with apt-get when running as root, otherwise
the tests are skipped.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.servers import (
    PROJECT_ROOT,
    AppServer,
    RedisServer,
    Response,
    postgresql_database_url,
    production_env,
    wait_for_room_in_window,
)

LIMIT = 30
WORKERS = 4  # per server: eight requests in flight at once
WINDOW = 3600  # a rate per hour: a window's edge is rare, and waited out (wait_for_room_in_window)
ME = "/api/v1/me/"
PASSWORD = "counted-on-two-servers"

# A student with a confirmed address (production asks for one before a login),
# made by the servers' own settings so it lands in the database they use.
ADD_STUDENT = """
import sys
import django
django.setup()
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from accounts.models import User
email, password = sys.argv[1:3]
user = User.objects.create(email=email, password=make_password(password))
EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
"""

# The servers commit what they write, and the PostgreSQL test database is shared
# with them: every test flushes it afterwards (on SQLite the servers have a file of their own).
pytestmark = pytest.mark.django_db(transaction=True)


def redis_server_binary() -> str | None:
    """`redis-server`, installed with apt-get when it is missing and this runs as root."""
    if shutil.which("redis-server") is None and hasattr(os, "geteuid") and os.geteuid() == 0:
        subprocess.run("apt-get update -qq && apt-get install -y -qq redis-server", shell=True, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    return shutil.which("redis-server")


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if redis_server_binary() is None:
        pytest.skip("Needs redis-server, which is not installed (apt-get install redis-server, as root).")
    redis = RedisServer()
    try:
        if not redis.start():
            pytest.skip("redis-server did not start.")
        yield redis.url
    finally:
        redis.stop()


@pytest.fixture(scope="module")
def database_env(django_db_setup, tmp_path_factory) -> dict[str, str]:
    """Where the servers' database is: the PostgreSQL test database, or a fresh SQLite file, migrated."""
    if connection.vendor == "postgresql":
        return {"DATABASE_URL": postgresql_database_url()}
    path = tmp_path_factory.mktemp("throttle-servers") / "db.sqlite3"
    env = {"SQLITE_PATH": str(path)}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=PROJECT_ROOT,
                              env=server_env(env), capture_output=True, text=True, timeout=180)
    assert migrated.returncode == 0, migrated.stderr
    return env


def server_env(database: dict[str, str], **overrides: str) -> dict[str, str]:
    env = production_env(**database, **overrides)
    if "DATABASE_URL" not in database:
        env.pop("DATABASE_URL", None)
    return env


@pytest.fixture(scope="module")
def env(database_env, redis_url) -> dict[str, str]:
    return server_env(database_env, REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"throttle-{secrets.token_hex(4)}",
                      API_READ_RATE=f"{LIMIT}/hour", API_WRITE_RATE="1000/hour")


@pytest.fixture(scope="module")
def servers(env) -> Iterator[tuple[AppServer, AppServer]]:
    """Servers A and B: same database, same Redis, nothing else in common."""
    pair = (AppServer("throttle-a", env, workers=WORKERS), AppServer("throttle-b", env, workers=WORKERS))
    try:
        for server in pair:
            server.wait()
        warm_up(pair)
        yield pair
    finally:
        for server in pair:
            server.stop()


def warm_up(servers: tuple[AppServer, AppServer]) -> None:
    """A first request of each worker loads the API's code; an anonymous one is refused before any throttle counts it."""
    with ThreadPoolExecutor(4 * WORKERS) as pool:
        statuses = set(pool.map(lambda n: servers[n % 2].request("GET", ME).status, range(4 * WORKERS)))
    assert statuses == {401}


@pytest.fixture
def token(env, servers) -> str:
    """A new student's session token (each test counts from zero)."""
    email = f"student-{secrets.token_hex(4)}@example.com"
    added = subprocess.run([sys.executable, "-c", ADD_STUDENT, email, PASSWORD], cwd=PROJECT_ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    return servers[0].log_in(email, PASSWORD)


def remaining(response: Response) -> int:
    return int(re.search(r";r=(\d+)", response.headers["RateLimit"]).group(1))


def test_requests_sent_at_once_to_two_servers_are_each_counted_once(servers, token):
    a, b = servers
    wait_for_room_in_window(WINDOW, needed=120)
    start = threading.Barrier(2 * LIMIT)

    def send(n: int) -> Response:
        start.wait(timeout=30)
        return (a if n % 2 else b).request("GET", ME, token=token)

    with ThreadPoolExecutor(2 * LIMIT) as pool:
        responses = list(pool.map(send, range(2 * LIMIT)))

    statuses = Counter(response.status for response in responses)
    assert statuses == {200: LIMIT, 429: LIMIT}, (statuses, a.log_text()[-2000:], b.log_text()[-2000:])
    for refused in (response for response in responses if response.status == 429):
        assert 0 < int(refused.headers["Retry-After"]) <= WINDOW


def test_the_remaining_count_goes_down_across_both_servers(servers, token):
    a, b = servers
    wait_for_room_in_window(WINDOW, needed=120)

    answers = [(a if n % 2 else b).request("GET", ME, token=token) for n in range(LIMIT + 1)]

    assert [answer.status for answer in answers] == [200] * LIMIT + [429]
    assert {answer.headers["RateLimit-Policy"] for answer in answers} == {f'"api_read";q={LIMIT};w={WINDOW}'}
    assert [remaining(answer) for answer in answers] == [*range(LIMIT - 1, -1, -1), 0]
    assert 0 < int(answers[-1].headers["Retry-After"]) <= WINDOW
