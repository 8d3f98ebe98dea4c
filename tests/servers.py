"""Real app servers for tests: gunicorn processes on loopback ports, a private Redis, and a tiny HTTP client.

Used by the tests that need more than Django's test client can show: several
processes sharing one database or cache (tests/test_scale_out.py), concurrent
writes to one SQLite file (tests/test_sqlite_concurrency.py), and a Redis that
goes away mid-run (tests/test_redis_outage.py).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/_allauth/app/v1/auth/login"
SESSION = "/_allauth/app/v1/auth/session"


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


def wait_for_room_in_window(duration: int, needed: float) -> None:
    """Rate windows are fixed (courseplatform.api.throttling): sleep into the next one when less than `needed` seconds are left.

    A test that counts up to a limit must not have the count start again half way.
    """
    left = duration - time.time() % duration
    if left < needed:
        time.sleep(left + 0.5)


def postgresql_database_url() -> str:
    """The pytest-django test database (PostgreSQL), as a DATABASE_URL app servers can use."""
    from django.db import connection

    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def production_env(**overrides: str) -> dict[str, str]:
    """This process's environment minus DJANGO_*, set up for production settings on loopback, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="courseplatform.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="ERROR",
        # Without Redis, students' cached answers go to a folder of these servers' own.
        ANSWER_CACHE_DIR=tempfile.mkdtemp(prefix="softsynced-answers-"),
    )
    env.update(overrides)
    return env


class RedisServer:
    """A private `redis-server` on a free loopback port that a test may stop and start again."""

    def __init__(self, port: int | None = None):
        self.binary = shutil.which("redis-server")
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> bool:
        """Start it; False when it could not be (no binary, or it did not answer in time)."""
        if self.binary is None:
            return False
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not redis_answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: dict
    text: str = ""


_collected: set[str] = set()


def collect_static(env: dict[str, str]) -> None:
    """Production settings serve hashed static names from a manifest: build it once per settings module.

    A clean checkout has none, and without it every page that names a stylesheet answers 500.
    """
    settings_module = env.get("DJANGO_SETTINGS_MODULE", "")
    if settings_module in _collected:
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )
    _collected.add(settings_module)


class AppServer:
    """`gunicorn courseplatform.wsgi` on a loopback port with the given environment."""

    def __init__(self, name: str, env: dict[str, str], *, workers: int = 2):
        collect_static(env)
        self.name = name
        self.port = free_port()
        self.log = PROJECT_ROOT / "bench-results" / f"{name}.log"
        self.log.parent.mkdir(exist_ok=True)
        # gunicorn's own log and the app's (Django logs to stderr) both go to the log file.
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "courseplatform.wsgi:application",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--log-level", "warning",
                 "--error-logfile", "-"],
                cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
            )

    def wait(self, timeout: float = 45) -> None:
        deadline = time.monotonic() + timeout
        while not answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server {self.name} did not start:\n{self.log_text()}")
            time.sleep(0.1)

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def request(self, method: str, path: str, body: dict | None = None, *, token: str | None = None,
                headers: dict[str, str] | None = None, raw: bytes | None = None) -> Response:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        if data is not None and not (headers and "Content-Type" in headers):
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("X-Session-Token", token)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (loopback)
                status, raw_body, head = answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            status, raw_body, head = error.code, error.read(), dict(error.headers)
        text = raw_body.decode("utf-8", "replace")
        parsed = {}
        if "json" in head.get("Content-Type", "") and raw_body:
            parsed = json.loads(raw_body)
        return Response(status, head, parsed, text)

    def log_in(self, email: str, password: str) -> str:
        """An allauth headless session token for the account."""
        response = self.request("POST", LOGIN, {"email": email, "password": password})
        assert response.status == 200, response.text
        return response.body["meta"]["session_token"]


def resilient_cache(server: RedisServer, prefix: str):
    """Our Redis cache backend on a private `server`, with short timeouts (a stopped server answers fast)."""
    from courseplatform.cache import ResilientRedisCache

    return ResilientRedisCache(server.url, {"KEY_PREFIX": prefix, "OPTIONS": {"socket_timeout": 0.5,
                                                                             "socket_connect_timeout": 0.5}})
