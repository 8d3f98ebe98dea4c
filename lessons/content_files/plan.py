"""What an import creates, changes, archives and deletes — and the one place it writes.

Rows are matched by natural key and written only where a field from the file
differs: saving any part of a lesson moves the lesson's content version (every
cached copy is dropped), so an unchanged file must write nothing at all.

Every write goes through `Plan.write` / `Plan.remove` (model `save()` and
`delete()`, so Markdown is rendered), each followed by
`lessons.services.content_changed` for what it touched, as the admin does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .syntax import FormatError

M = TypeVar("M", bound=models.Model)

CREATE, CHANGE, ARCHIVE, DELETE, RESTORE = "create", "change", "archive", "delete", "restore"


@dataclass
class Change:
    action: str
    what: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.action:<7} {self.what}{detail}"


@dataclass
class Plan:
    """The changes of one import, in order; with `dry_run` nothing is written.

    `before_lesson_write(lesson)` runs once per existing lesson, before its first
    write, so the content as it was can be kept as a revision. `media_root` is
    the content folder that media paths (`audio=media/…`) are read from; without
    one (a revert, a document import) a section keeps the file it has.
    """

    dry_run: bool = False
    media_root: Path | None = None
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0
    touched_lessons: dict[int, Any] = field(default_factory=dict)
    created_lessons: dict[int, Any] = field(default_factory=dict)
    before_lesson_write: Callable[[Any], None] | None = None

    @property
    def counts(self) -> Counter[str]:
        return Counter(change.action for change in self.changes)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def summary(self, *, done: bool = False) -> str:
        counts = self.counts
        verbs = ("created", "changed", "archived", "deleted") if done else (
            "to create", "to change", "to archive", "to delete")
        numbers = (counts[CREATE], counts[CHANGE] + counts[RESTORE], counts[ARCHIVE], counts[DELETE])
        return ", ".join(f"{n} {verb}" for n, verb in zip(numbers, verbs, strict=True)) + f", {self.unchanged} unchanged"

    # --- the writes -------------------------------------------------------------------

    def touch(self, lesson) -> None:
        if lesson is None or self.dry_run or lesson.pk is None:
            return
        if lesson.pk not in self.touched_lessons and lesson.pk not in self.created_lessons:
            if self.before_lesson_write is not None:
                self.before_lesson_write(lesson)
            self.touched_lessons[lesson.pk] = lesson

    def write(self, obj: models.Model, *, where: str) -> None:
        """Validate and save one row (its Markdown is rendered by `save()`)."""
        try:
            # Catches what SQLite would let through (too-long text, a bad choice) before PostgreSQL does.
            obj.full_clean()
        except ValidationError as exc:
            raise FormatError(f"{where}: {'; '.join(_messages(exc))}") from exc
        obj.save()
        _report(obj)

    def remove(self, obj: models.Model, *, what: str, lesson=None, archive: bool) -> None:
        """Archive a row learners' records point at; delete one nothing points at."""
        self.changes.append(Change(ARCHIVE if archive else DELETE, what))
        if self.dry_run:
            return
        self.touch(lesson)
        if archive:
            obj.archived_at = timezone.now()
            obj.save(update_fields=["archived_at"])
            _report(obj)
        else:
            lesson_ids = list(obj.affected_lesson_ids()) if hasattr(obj, "affected_lesson_ids") else []
            structural = _is_structure(obj)
            obj.delete()
            _report(None, lesson_ids=lesson_ids, structure=structural)

    def sync(self, model: type[M], *, lookup: dict[str, Any], values: dict[str, Any], what: str,
             lesson=None, existing: M | None = None, known: bool = False) -> M:
        """The row matching `lookup` (or `existing`), created or updated only where `values` differ.

        `values` holds source fields (Markdown, never the rendered HTML) and foreign
        keys by their `_id` attribute, so comparing needs no extra queries. With
        `known`, the caller has loaded every candidate row: no `existing` means a new row.
        """
        obj = existing
        if obj is None and not known and all(getattr(v, "pk", True) is not None for v in lookup.values()):
            obj = model._default_manager.filter(**lookup).order_by("pk").first()
        if obj is None:
            obj = model(**lookup, **values)
            self.changes.append(Change(CREATE, what))
            if not self.dry_run:
                self.touch(lesson)
                self.write(obj, where=what)
                if model._meta.label == "lessons.Lesson":
                    self.created_lessons[obj.pk] = obj
            return obj
        changed = tuple(name for name, value in values.items() if getattr(obj, name) != value)
        if not changed:
            self.unchanged += 1
            return obj
        restoring = "archived_at" in changed and values.get("archived_at") is None
        self.changes.append(Change(RESTORE if restoring else CHANGE, what, tuple(f for f in changed if f != "archived_at")))
        if not self.dry_run:
            self.touch(lesson if lesson is not None else (obj if model._meta.label == "lessons.Lesson" else None))
            for name in changed:
                setattr(obj, name, values[name])
            self.write(obj, where=what)
        return obj


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()]
    return list(exc.messages)


def _is_structure(obj: models.Model | None) -> bool:
    return obj is not None and obj._meta.label in ("lessons.Track", "lessons.Module", "lessons.Lesson")


def _report(obj: models.Model | None, *, lesson_ids: list[int] | None = None, structure: bool = False) -> None:
    """Tell the content-change service what this write touched (new versions drop cached copies)."""
    from lessons.services import content_changed  # lessons.services imports this module

    ids = list(lesson_ids or [])
    parts = []
    if obj is not None and obj._meta.label == "lessons.Lesson":
        ids.append(obj.pk)
    elif obj is not None and hasattr(obj, "affected_lesson_ids"):
        parts.append(obj)
    content_changed(lesson_ids=ids, parts=parts, structure=structure or _is_structure(obj))
