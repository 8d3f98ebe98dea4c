"""The PostgreSQL connection check (courseplatform.db.postgresql): no round trip while the server is there.

Django checks a kept connection before each request's first query. Here an idle
connection with nothing to read is used as it is, without asking the server; one
whose server has gone (its backend terminated, as a restart does) is found out,
closed and opened again, so the request that follows is answered.
"""

from __future__ import annotations

import select
import time
from unittest import mock

import psycopg
import pytest
from django.core.signals import request_started
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoPostgreSQL

from accounts.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: this run uses SQLite (DATABASE_URL=postgres://... runs it).")
    yield
    connection.close()  # whatever state a test left it in, the tables are emptied on a new one


def terminate_backend() -> int:
    """End this connection's server process from another connection, as a server restart would; its pid."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                         user=settings["USER"], password=settings["PASSWORD"] or None,
                         dbname=settings["NAME"], autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the terminated backend's socket never became readable"
    return pid


def test_an_idle_healthy_connection_is_used_without_asking_the_server():
    User.objects.exists()  # a connection, used and idle again

    with mock.patch.object(DjangoPostgreSQL, "is_usable", return_value=True) as select_one:
        assert connection.is_usable() is True

    select_one.assert_not_called()


def test_a_connection_whose_server_ended_it_is_found_out():
    User.objects.exists()
    terminate_backend()

    assert connection.is_usable() is False


def test_the_next_request_after_a_server_restart_is_answered_on_a_new_connection():
    UserFactory(email="still-here@example.com")
    old_pid = terminate_backend()

    request_started.send(sender=None)  # what Django sends as each request begins: the check runs at its first query
    assert User.objects.filter(email="still-here@example.com").exists()

    assert connection.connection.info.backend_pid != old_pid


def test_a_connection_with_something_to_read_asks_the_server():
    """Anything that arrived while idle (a notice, the server's goodbye) is left to Django's SELECT 1 to judge."""
    User.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("LISTEN connection_check")
        cursor.execute("NOTIFY connection_check")
    # The notification came with the answer to NOTIFY; ask for one more so that it waits on the socket.
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                         user=settings["USER"], password=settings["PASSWORD"] or None,
                         dbname=settings["NAME"], autocommit=True) as other:
        other.execute("NOTIFY connection_check")
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the notification never arrived"

    with mock.patch.object(DjangoPostgreSQL, "is_usable", return_value=True) as select_one:
        assert connection.is_usable() is True

    select_one.assert_called_once()
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")
