"""The student's state version: one number that moves whenever anything of theirs changes.

Cached read answers (`courseplatform.answers`) key on it, so a student never
sees an answer from before their own last write, and a write costs no cache
deletes. It moves in the same transaction as the change, so no reader can see
the new data under the old number and cache it there for good.

Three ways in:
- the account row itself: `User.save()` moves the number in the same UPDATE;
- `track(Model, user_of)` in an AppConfig.ready(): every save and delete of
  that model (the services', the admin's, a signal handler's) moves the owner's
  number. Django sends those signals for `Model.save()`, `create()` and
  `QuerySet.delete()`, not for `QuerySet.update()` or `bulk_create()`;
- `changed(user_id)`: for a service that writes with `update()` or
  `bulk_create()` and saves nothing tracked in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models.signals import post_delete, post_save

UserOf = Callable[[Any], int | None]


def changed(user_id: int | None) -> None:
    """Move the student's state version by one (plain SQL: it runs with most writes)."""
    if not user_id:
        return
    from .models import User

    alias = router.db_for_write(User)
    connection = connections[alias]
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET state_version = state_version + 1 WHERE id = %s", [user_id])  # noqa: S608


def _owner(instance: Any) -> int | None:
    return getattr(instance, "user_id", None)


def track(model: type, user_of: UserOf = _owner) -> None:
    """Move the owner's state version on every save and delete of `model`'s rows."""

    def receiver(sender, instance, **kwargs) -> None:
        if kwargs.get("raw"):
            return  # loaddata: fixtures are not a student's change
        changed(user_of(instance))

    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"state:save:{model._meta.label}")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"state:delete:{model._meta.label}")
