"""SESSION_ENGINE with Redis: sessions cached and kept in the database, with their user's id (`accounts.sessions`)."""

from django.contrib.sessions.backends import cached_db

from . import UserSessionMixin


class SessionStore(UserSessionMixin, cached_db.SessionStore):
    pass
