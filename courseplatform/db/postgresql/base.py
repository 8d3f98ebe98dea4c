"""Django's PostgreSQL backend, whose connection check costs no round trip while the server is there.

With CONN_HEALTH_CHECKS, Django checks a kept connection before the first query
of each request by sending `SELECT 1`: a round trip, and work for the server,
on every request. A connection that sits idle between requests has nothing to
read unless the server has said something: when the server goes away (a
restart, `pg_terminate_backend`, a failover) it sends its error and closes the
socket, and the socket becomes readable. So the check here first asks the
kernel, without waiting, whether anything has arrived: nothing means the server
has said nothing since the last answer, and the connection is used as it is;
anything means Django's `SELECT 1` decides, which reads what came (and closes
the connection if the server is gone, so Django opens a new one).

A server that vanished without closing its side (a cut cable) is not seen by
either check until the query's own timeout.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            arrived = poller.poll(0)
        except (OSError, ValueError):
            return False
        return not arrived or super().is_usable()
