"""Sessions that come with their user: one query answers "who is asking".

Django's own session store reads the session (one query), and the
authentication middleware then reads the user (a second). Here the session row
carries the user's id in a column of its own, and loading the session joins
the user row in the same query; `session_user()` hands that user to the request
after the same checks Django makes (the login backend still configured, the
account active, the session's password hash still valid). Anything unusual (a
session saved before the column existed, a mismatch) falls back to Django's own
`get_user`, so the fast path can only ever agree with it.

The engine is `accounts.sessions.db`, with or without Redis: a cached copy of
the session would still leave the user to read, so it would only add a round trip.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import constant_time_compare


def _user_id(data: dict[str, Any]) -> int | None:
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


class UserSessionMixin:
    """For a database-backed SessionStore: keep the user's id in its column, and load the user with the session."""

    loaded_user = None  # the user row read with the session, if any

    @classmethod
    def get_model_class(cls):
        from accounts.models import Session

        return Session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = _user_id(data)
        return instance

    def decode(self, session_data):
        """Django's, remembered per process: the same signed text always decodes to the same data.

        Checking the signature (a key derivation and an HMAC) cost about 0.1 ms on
        every request, and a session's text changes only when it is saved. The data
        is kept as its serialized text, so each request gets a copy of its own.
        """
        text = _decoded.get(session_data)
        if text is None:
            data = super().decode(session_data)
            if data:
                _remember(_decoded, session_data, self.serializer().dumps(data))
            return data
        return self.serializer().loads(text)

    def _get_session_from_db(self):
        self.loaded_user = None
        user = self._session_with_user()
        if user is not None:
            self.loaded_user = user
            return self.model(session_key=self.session_key, session_data=user.session_data_, user_id=user.pk)
        try:
            # No user row came back: a session without a login (or from before the column), or none.
            session = self.model.objects.get(session_key=self.session_key, expire_date__gt=timezone.now())
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                import logging

                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return None
        return session

    def _session_with_user(self):
        """The session's user with the session's data (`session_data_`), in one plain query; None if either is missing.

        Plain SQL and a plain cursor: the ORM took four times as long to build this
        join as the database takes to answer it, and a raw() queryset still spent
        as long again working out how to read its row, on every request.
        """
        if not self.session_key:
            return None
        connection = connections[router.db_for_read(self.model)]
        slug = _lesson_asked.get()
        sql, names, converters = _user_row_plan(connection, self.model._meta.db_table, lesson=slug is not None)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now] if slug is None else [slug, self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row[:len(names)])
        for index, field, functions in converters:
            for convert in functions:
                values[index] = convert(values[index], field, connection)
        user = _user_model().from_db(connection.alias, names, values)
        user.session_data_ = row[-1]
        # As they were at this request's start: the course versions' row (`lessons.services.course_versions`)
        # and, when a lesson was asked for, the student's version of it (`course_and_lesson_versions`).
        versions = row[len(names):len(names) + 4]
        user.course_versions_row_ = tuple(versions) if versions[0] is not None else None
        if slug is not None:
            user.lesson_version_ = (slug, row[len(names) + 4] or 0)
        return user


# The lesson an API read asks for (its URL's slug), while its session is looked up: see `lesson_asked`.
_lesson_asked: ContextVar[str | None] = ContextVar("session_lesson_asked", default=None)


@contextmanager
def lesson_asked(slug: str | None):
    """Within the block, a session loaded with its user also reads the student's version of lesson `slug`.

    A lesson's cached answer keys on that number (`courseplatform.answers`); read
    here, with the session, it costs the request no query of its own.
    """
    token = _lesson_asked.set(slug)
    try:
        yield
    finally:
        _lesson_asked.reset(token)


# Per process, bounded: a session's verified data by its signed text, and a password hash's session hash.
MEMO_ENTRIES = 10_000
_decoded: dict[str, bytes] = {}
_auth_hashes: dict[str, str] = {}


def _remember(memo: dict, key, value) -> None:
    if len(memo) >= MEMO_ENTRIES:
        del memo[next(iter(memo))]  # the oldest
    memo[key] = value


def _session_auth_hash(user) -> str:
    """`user.get_session_auth_hash()`, remembered per password hash (an HMAC per request otherwise)."""
    value = _auth_hashes.get(user.password)
    if value is None:
        value = user.get_session_auth_hash()
        _remember(_auth_hashes, user.password, value)
    return value


def _user_model():
    from accounts.models import User

    return User


_plans: dict[tuple[str, str, bool], tuple[str, list[str], list[tuple[int, Any, list[Any]]]]] = {}


def _user_row_plan(connection, session_table: str, *, lesson: bool = False):
    """(SQL, the user's field names, their value converters) for reading a session with its user, once per database.

    The row also holds the course versions (`lessons.services.COURSE_VERSION_COLUMNS`):
    nearly every signed-in request's answer keys on them, and reading them here
    saves that request a round trip of its own. With `lesson`, it holds the
    student's version of the lesson whose slug is the first parameter too.
    """
    plan = _plans.get((connection.alias, session_table, lesson))
    if plan is None:
        from lessons.models import CourseVersion
        from lessons.services import COURSE_VERSION_COLUMNS, lesson_version_sql

        user = _user_model()
        quote = connection.ops.quote_name
        fields = user._meta.concrete_fields
        columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
        versions = ", ".join(f"v.{column}" for column in COURSE_VERSION_COLUMNS)
        if lesson:
            versions += ", " + lesson_version_sql("u.id")
        sql = (
            f"SELECT {columns}, {versions}, s.session_data FROM {quote(session_table)} s "  # noqa: S608
            f"INNER JOIN {quote(user._meta.db_table)} u ON u.id = s.user_id "
            f"LEFT JOIN {quote(CourseVersion._meta.db_table)} v ON v.id = 1 "
            "WHERE s.session_key = %s AND s.expire_date > %s"
        )
        # What the ORM would apply to each column it reads (SQLite's datetimes made aware, say).
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(user._meta.db_table)
            functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if functions:
                converters.append((index, column, functions))
        plan = _plans[(connection.alias, session_table, lesson)] = (sql, [field.attname for field in fields], converters)
    return plan


def session_user(request) -> Any:
    """The signed-in user of `request.session` (or AnonymousUser), reusing the user loaded with the session."""
    session = request.session
    try:
        user_id = _user_id({SESSION_KEY: session[SESSION_KEY]})
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    user = getattr(session, "loaded_user", None)
    if (user is None or user.pk != user_id or backend_path not in settings.AUTHENTICATION_BACKENDS
            or not load_backend(backend_path).user_can_authenticate(user)):
        return auth.get_user(request)
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, _session_auth_hash(user)):
        return auth.get_user(request)  # Django's rules: a rotated secret, or the end of this session
    return user
