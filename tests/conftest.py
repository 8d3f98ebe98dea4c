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


@pytest.fixture
def api_client(student):
    client = APIClient()
    client.force_authenticate(student)
    return client
