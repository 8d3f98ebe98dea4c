"""Settings come from the environment: production needs a secret key, DATABASE_URL and REDIS_URL switch backends.

Each case starts a fresh interpreter, because settings are read once per process.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = "courseplatform.settings.production"
TEST = "courseplatform.settings.test"


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any DJANGO_* or REDIS_URL setting, plus `overrides`.

    DATABASE_URL is kept (a run against PostgreSQL stays on PostgreSQL) unless overridden.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "REDIS_URL"}
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def setting(expression: str, env: dict[str, str]) -> str:
    """The value of a settings expression, as printed by a fresh interpreter."""
    result = run(["-c", f"from django.conf import settings; print({expression})"], env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def a_secret_key() -> str:
    return secrets.token_urlsafe(64)


# --- Production -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, ""], ids=["missing", "empty"])
def test_production_refuses_to_start_without_a_secret_key(key):
    """`manage.py check` on production settings fails, naming DJANGO_SECRET_KEY, when the key is missing or empty."""
    env = clean_env(DJANGO_SETTINGS_MODULE=PRODUCTION, DJANGO_ALLOWED_HOSTS="softsynced.example")
    if key is not None:
        env["DJANGO_SECRET_KEY"] = key

    result = run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_passes_the_deploy_check_with_a_key_and_hosts():
    """With a strong key and allowed hosts, `check --deploy --fail-level WARNING` finds nothing."""
    env = clean_env(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=a_secret_key(),
        DJANGO_ALLOWED_HOSTS="softsynced.example,www.softsynced.example",
    )

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_uses_the_key_and_hosts_it_is_given_and_never_debugs():
    """Production takes SECRET_KEY and ALLOWED_HOSTS from the environment; DJANGO_DEBUG cannot turn DEBUG on."""
    key = a_secret_key()
    env = clean_env(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=key,
        DJANGO_ALLOWED_HOSTS="softsynced.example, api.softsynced.example",
        DJANGO_DEBUG="1",
    )

    assert setting("settings.SECRET_KEY", env) == key
    assert setting("settings.ALLOWED_HOSTS", env) == "['softsynced.example', 'api.softsynced.example']"
    assert setting("settings.DEBUG", env) == "False"
    assert setting("settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE", env) == "True"


# --- Database -------------------------------------------------------------------------------


def test_without_database_url_the_database_is_sqlite():
    """No DATABASE_URL: the embedded SQLite database, with a busy timeout."""
    env = clean_env(DJANGO_SETTINGS_MODULE=TEST)
    env.pop("DATABASE_URL", None)

    assert setting("settings.DATABASES['default']['ENGINE']", env) == "courseplatform.db.sqlite"
    assert setting("settings.DATABASES['default']['OPTIONS']['timeout']", env) == "20"


def test_database_url_switches_to_postgresql():
    """A postgres:// DATABASE_URL is parsed into a PostgreSQL connection with its parts."""
    env = clean_env(
        DJANGO_SETTINGS_MODULE=TEST, DATABASE_URL="postgres://producer:s3cret@db.internal:6543/softsynced"
    )

    expression = "[settings.DATABASES['default'][k] for k in ('ENGINE', 'NAME', 'USER', 'HOST', 'PORT')]"
    assert setting(expression, env) == "['courseplatform.db.postgresql', 'softsynced', 'producer', 'db.internal', 6543]"


def test_production_reads_database_url_too():
    """The production settings take the same DATABASE_URL."""
    env = clean_env(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=a_secret_key(),
        DATABASE_URL="postgres://producer:s3cret@db.internal:5432/softsynced",
    )

    assert setting("settings.DATABASES['default']['ENGINE']", env) == "courseplatform.db.postgresql"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    """A connection to the SQLite file database is in WAL journal mode, waits for locks and enforces foreign keys."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: this run uses PostgreSQL")
    # The test database itself lives in memory, where WAL does not apply, so
    # open the file database the settings describe in a fresh interpreter.
    env = clean_env(DJANGO_SETTINGS_MODULE=TEST, SQLITE_PATH=str(tmp_path / "wal.sqlite3"))
    env.pop("DATABASE_URL", None)
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    for pragma in ('journal_mode', 'busy_timeout', 'foreign_keys'):\n"
        "        cursor.execute(f'PRAGMA {pragma}')\n"
        "        print(cursor.fetchone()[0])\n"
    )

    result = run(["-c", code], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "1"]


# --- Cache ----------------------------------------------------------------------------------


def test_without_redis_url_the_cache_is_local_memory():
    """No REDIS_URL: a per-process local-memory cache."""
    env = clean_env(DJANGO_SETTINGS_MODULE=TEST)

    assert setting("settings.CACHES['default']['BACKEND']", env) == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_switches_the_cache_to_redis():
    """REDIS_URL makes the shared cache Django's Redis backend (missing, not failing, while Redis is down) at that address."""
    env = clean_env(DJANGO_SETTINGS_MODULE=TEST, REDIS_URL="redis://cache.internal:6379/2")

    assert setting("settings.CACHES['default']['BACKEND']", env) == "courseplatform.cache.ResilientRedisCache"
    assert setting("settings.CACHES['default']['LOCATION']", env) == "redis://cache.internal:6379/2"
