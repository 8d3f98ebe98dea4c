"""Fixtures shared by the whole suite: `student`, `author`, `api_client`."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from tests.factories import AuthorFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads land in the test's own folder, never in the project's media/.

    Not `tmp_path / "media"`: tests export content folders to `tmp_path`, whose
    `media/` belongs to the export.
    """
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def private_redis():
    """A redis-server of the test's own on a free port, stopped after; skipped, saying why, when there is none."""
    from tests.servers import RedisServer

    server = RedisServer()
    if server.binary is None:
        pytest.skip("needs redis-server (apt-get install redis-server)")
    if not server.start():
        pytest.skip("redis-server did not start")
    yield server
    server.stop()


@pytest.fixture
def student(db):
    return UserFactory(email="learner@example.com", display_name="Learner")


@pytest.fixture
def other_student(db):
    return UserFactory(email="someone-else@example.com", display_name="Someone Else")


@pytest.fixture
def author(db):
    return AuthorFactory(email="writer@example.com", display_name="Writer")


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def session_token(user) -> str:
    """A real session for `user`, as allauth's headless login makes it; its key is an X-Session-Token."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@pytest.fixture
def api_client(student):
    """The student's phone: a session token on every request, so each request reads the user afresh."""
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=session_token(student))
    return client
