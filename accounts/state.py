"""The student's state versions: numbers that move whenever something of theirs changes.

Cached read answers (`courseplatform.answers`) key on them, so a student never
sees an answer from before their own last write, and a write costs no cache
deletes. They move in the same transaction as the change, so no reader can see
the new data under the old number and cache it there for good.

There are three:
- `User.state_version` moves on every change (the dashboard keys on it);
- `User.shared_version` moves on every change that more than one lesson's
  answers show: reading progress, warm-up answers (recalled in later lessons),
  completions, points, unlocks, cohorts, the profile;
- `LessonVersion` (one row per student and lesson) moves on a change that only
  that lesson's own answers show: the Your Turn's attempts, ratings,
  reflections and drafts. Such a change leaves `shared_version` alone, so the
  student's other lessons, outlines and Depth points stay cached.

Ways in:
- the account row itself: `User.save()` moves the user's two numbers in the
  same UPDATE;
- `track(Model, user_of, lesson_of=...)` in an AppConfig.ready(): every save and
  delete of that model (the services', the admin's, a signal handler's) moves
  the owner's numbers. Django sends those signals for `Model.save()`,
  `create()` and `QuerySet.delete()`, not for `QuerySet.update()` or
  `bulk_create()`. A model tracked with `lesson_of` moves only its lesson's
  version inside `lesson_scope(lesson_id)`, where a service has said which
  lesson it writes; anywhere else (the admin, a cascade) it moves the shared
  one, which is always safe;
- `changed(user_id)`: for a service that writes with `update()` or
  `bulk_create()` and saves nothing tracked in the same transaction.

Inside `lesson_scope` the moves are gathered and made once when the block ends
(still inside the service's transaction): a rating that starts a new attempt
moves each number once, not twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router
from django.db.models.signals import post_delete, post_save

UserOf = Callable[[Any], int | None]


@dataclass
class _Pending:
    lesson_id: int
    shared: set[int] = field(default_factory=set)  # users whose shared version moves
    local: set[int] = field(default_factory=set)  # users whose version of the scope's lesson moves


_scope: ContextVar[_Pending | None] = ContextVar("state_scope", default=None)


def _move(user_id: int, *, shared: bool, lesson_id: int | None) -> None:
    from .models import LessonVersion, User

    connection = connections[router.db_for_write(User)]
    quote = connection.ops.quote_name
    table = quote(User._meta.db_table)
    columns = "state_version = state_version + 1" + (", shared_version = shared_version + 1" if shared else "")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [user_id])  # noqa: S608
        if lesson_id is not None:
            versions = quote(LessonVersion._meta.db_table)
            # One statement on SQLite and PostgreSQL alike: the row is made on the lesson's first change.
            cursor.execute(
                f"INSERT INTO {versions} (user_id, lesson_id, version) VALUES (%s, %s, 1) "  # noqa: S608
                f"ON CONFLICT (user_id, lesson_id) DO UPDATE SET version = {versions}.version + 1",
                [user_id, lesson_id],
            )


def changed(user_id: int | None, *, lesson_id: int | None = None) -> None:
    """Move the student's versions: with `lesson_id`, only that lesson's (and the state version).

    Pass `lesson_id` only for a change no other lesson's answer, outline or
    Depth points shows. Inside a `lesson_scope` the move waits for the block's end.
    """
    if not user_id:
        return
    pending = _scope.get()
    if pending is not None:
        if lesson_id is not None and lesson_id == pending.lesson_id:
            pending.local.add(user_id)
        else:
            if lesson_id is not None:
                _move(user_id, shared=False, lesson_id=lesson_id)  # another lesson's: not this scope's to gather
                return
            pending.shared.add(user_id)
        return
    _move(user_id, shared=lesson_id is None, lesson_id=lesson_id)


@contextmanager
def lesson_scope(lesson_id: int) -> Iterator[None]:
    """Within the block, tracked lesson-local rows belong to `lesson_id`; moves are made once at its end.

    Use it inside the service's transaction. When the block raises, nothing is
    moved: the transaction rolls back what it wrote as well.
    """
    if _scope.get() is not None:
        yield  # an outer scope gathers (and a lesson's service never writes another lesson's turn)
        return
    pending = _Pending(lesson_id)
    token = _scope.set(pending)
    try:
        yield
    finally:
        _scope.reset(token)
    for user_id in pending.shared | pending.local:
        _move(user_id, shared=user_id in pending.shared,
              lesson_id=lesson_id if user_id in pending.local else None)


def _owner(instance: Any) -> int | None:
    return getattr(instance, "user_id", None)


def track(model: type, user_of: UserOf = _owner, *, lesson_local: bool = False) -> None:
    """Move the owner's versions on every save and delete of `model`'s rows.

    `lesson_local`: the model's rows show only in their lesson's answers, so inside
    a `lesson_scope` they move that lesson's version alone.
    """

    def receiver(sender, instance, **kwargs) -> None:
        if kwargs.get("raw"):
            return  # loaddata: fixtures are not a student's change
        pending = _scope.get()
        lesson_id = pending.lesson_id if lesson_local and pending is not None else None
        changed(user_of(instance), lesson_id=lesson_id)

    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"state:save:{model._meta.label}")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"state:delete:{model._meta.label}")
