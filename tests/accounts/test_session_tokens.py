"""A mobile session token costs one read per request, session and user together, and sessions live where every
server sees them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def session_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "accounts_session"' in q["sql"]]


@pytest.mark.django_db
def test_an_api_request_with_a_session_token_reads_the_session_with_its_user_in_one_query(student):
    client = APIClient()
    login = client.post("/_allauth/app/v1/auth/login", {"email": student.email, "password": DEFAULT_PASSWORD}, format="json")
    token = login.json()["meta"]["session_token"]

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 200
    [read] = session_reads(queries.captured_queries)
    assert 'JOIN "accounts_user"' in read
    assert not [q for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"] and q["sql"] != read]


@pytest.mark.django_db
def test_an_unknown_or_ended_token_is_refused(student):
    client = APIClient()
    login = client.post("/_allauth/app/v1/auth/login", {"email": student.email, "password": DEFAULT_PASSWORD}, format="json")
    token = login.json()["meta"]["session_token"]

    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN="not-a-session-we-know").status_code == 401
    client.delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401


def session_engine(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "REDIS_URL"}
    clean.update(DJANGO_SETTINGS_MODULE="courseplatform.settings.test", **env)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)"],
        cwd=PROJECT_ROOT, env=clean, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("redis", [None, "redis://cache.internal:6379/2"])
def test_sessions_are_read_from_the_database_with_their_user_whether_or_not_redis_is_configured(redis):
    """One query answers "who is asking" (accounts.sessions); a cached copy would add a round trip to it,
    and without Redis a per-process copy would let one worker honour a token another has logged out."""
    assert session_engine(**({"REDIS_URL": redis} if redis else {})) == "accounts.sessions.db"


@pytest.mark.django_db
def test_the_user_read_with_the_session_is_the_user_the_orm_reads(student):
    """Every field, with the ORM's conversions (SQLite's datetimes made aware, booleans as booleans)."""
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import User
    from accounts.sessions.db import SessionStore
    from tests.conftest import session_token

    User.objects.filter(pk=student.pk).update(last_login=timezone.now(), reminders_opt_in=True)
    loaded = SessionStore(session_token(student))._session_with_user()
    expected = User.objects.get(pk=student.pk)

    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
        assert type(getattr(loaded, field.attname)) is type(getattr(expected, field.attname)), field.name
    assert timezone.is_aware(loaded.date_joined) and timezone.is_aware(loaded.last_login)
    assert loaded._state.adding is False and loaded._state.db == "default"
    assert settings.SESSION_ENGINE == "accounts.sessions.db"


@pytest.mark.django_db
def test_the_owner_cookie_is_for_browsers_only(student, client):
    """A browser's signed-in page marks the browser as the student's (accounts.owner); the app's token does not."""
    from accounts.owner import COOKIE
    from tests.conftest import session_token

    app = APIClient()
    app.credentials(HTTP_X_SESSION_TOKEN=session_token(student))
    assert app.get("/api/v1/me/").status_code == 200
    assert COOKIE not in app.cookies

    client.force_login(student)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.cookies[COOKIE].value


@pytest.mark.django_db
def test_a_session_decoded_before_still_decodes_to_its_own_data_each_time_and_a_forged_one_to_nothing():
    from django.contrib.sessions.backends.base import SessionBase

    from accounts.sessions.db import SessionStore

    store = SessionStore()
    signed = store.encode({"answers": [1, 2], "step": "two"})
    first = store.decode(signed)
    first["answers"].append(3)  # a request changes its copy

    assert store.decode(signed) == {"answers": [1, 2], "step": "two"}  # remembered, but a copy of its own
    assert store.decode(store.encode({"step": "three"})) == {"step": "three"}
    forged = signed[:-2] + ("AA" if not signed.endswith("AA") else "BB")
    assert store.decode(forged) == {} == SessionBase.decode(store, forged)


@pytest.mark.django_db
def test_a_password_change_ends_the_other_sessions_at_once(student):
    client = APIClient()
    login = client.post("/_allauth/app/v1/auth/login", {"email": student.email, "password": DEFAULT_PASSWORD}, format="json")
    token = login.json()["meta"]["session_token"]
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 200

    student.set_password("a-new-password-for-the-test-42")
    student.save()

    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401

