"""SESSION_ENGINE without Redis: sessions in the database, read with their user (`accounts.sessions`)."""

from django.contrib.sessions.backends import db

from . import UserSessionMixin


class SessionStore(UserSessionMixin, db.SessionStore):
    pass
