"""SQLite write transactions queue on a file lock (courseplatform.db.sqlite): held from BEGIN to COMMIT or ROLLBACK."""

import fcntl

import pytest
from django.db.utils import ConnectionHandler


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A connection of its own to a SQLite file (the test database is in memory: it has no queue)."""
    handler = ConnectionHandler({"default": {
        "ENGINE": "courseplatform.db.sqlite", "NAME": str(tmp_path / "queue.sqlite3"),
        "OPTIONS": {"transaction_mode": "IMMEDIATE"},
    }})
    connection = handler["default"]
    with django_db_blocker.unblock():
        connection.ensure_connection()
        yield connection, tmp_path / "queue.sqlite3.writers"
        connection.close()


def taken(lock_file) -> bool:
    """Whether another writer holds the queue (tried without waiting, from a file of our own)."""
    with open(lock_file, "a+b") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(other, fcntl.LOCK_UN)
        return False


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_write_transaction_holds_the_queue_until_it_ends(file_database, end):
    connection, lock_file = file_database

    connection._start_transaction_under_autocommit()
    held = taken(lock_file)
    getattr(connection, end)()

    assert held, "a second writer must wait while the transaction is open"
    assert not taken(lock_file), f"the queue is let go at {end}"


def test_closing_the_connection_lets_the_queue_go(file_database):
    connection, lock_file = file_database

    connection._start_transaction_under_autocommit()
    connection.close()

    assert not taken(lock_file)
