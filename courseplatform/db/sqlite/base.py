"""SQLite whose write transactions queue on a file lock, so the next writer starts the moment one ends.

SQLite lets one transaction write at a time. With `transaction_mode` IMMEDIATE
every atomic block asks for the write lock when it begins, and a process that
finds it taken waits in SQLite's busy handler, which sleeps and retries: 1, 2,
5, 10 … up to 100 ms between tries. Under load the lock is often free while
every waiter sleeps, so the machine idles and a write can wait a second.

Here a writer first takes an exclusive `flock` on a file beside the database
(`<database>.writers`): the kernel queues the waiters and wakes the next one as
soon as the lock is let go, after the commit or rollback. Only transactions
opened by Django's atomic blocks take it; single statements in autocommit mode
(a session saved at the end of a request) still meet SQLite's own handler, and
readers never wait (WAL). An in-memory database (the test suite's) has no file
to share and skips it.
"""

from __future__ import annotations

import fcntl

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_file = None
    _queued = False

    def _queue_path(self) -> str | None:
        if self.transaction_mode != "IMMEDIATE" or self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writers"

    def _start_transaction_under_autocommit(self):
        path = self._queue_path()
        if path is not None:
            if self._queue_file is None:
                self._queue_file = open(path, "a+b")  # noqa: SIM115 (kept open with the connection)
            fcntl.flock(self._queue_file, fcntl.LOCK_EX)
            self._queued = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _leave_queue(self) -> None:
        if self._queued:
            self._queued = False
            fcntl.flock(self._queue_file, fcntl.LOCK_UN)

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_queue()
            if self._queue_file is not None:
                self._queue_file.close()
                self._queue_file = None
