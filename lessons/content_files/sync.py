"""Tracks, modules and lessons between the database and their files.

The parts of a lesson other apps own (the Your Turn) are read and written by
extensions registered here at start-up (`register_lesson_part`), so `lessons`
never imports them — the same way `lessons.sections` gets the Guide's per-student
blocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.db.models import Model
from django.utils.text import slugify

from ..models import FAQ, Lesson, Module, QuickReference, Section, Track
from . import media_files
from .documents import CardDoc, FAQDoc, LessonDoc, ModuleDoc, SectionDoc, TrackDoc, format_lesson
from .plan import Plan
from .syntax import FormatError


class LessonPartFiles(Protocol):
    """A part of the lesson file that another app keeps in its own models."""

    def read(self, lesson: Lesson, doc: LessonDoc) -> None:
        """Fill `doc` with this part of `lesson` as stored."""

    def write(self, lesson: Lesson, doc: LessonDoc, plan: Plan) -> None:
        """Bring this part of `lesson` in line with `doc` through `plan`."""

    def complete(self, doc: LessonDoc, module: Module) -> list[str]:
        """Fill what a document import left open in this part (e.g. a framework); say what was assumed."""


_parts: list[LessonPartFiles] = []


def complete_document(doc: LessonDoc, module: Module) -> list[str]:
    """Let each part fill what a recognised document left open; returns what was assumed."""
    notes: list[str] = []
    for part in _parts:
        notes.extend(part.complete(doc, module))
    return notes


def register_lesson_part(part: LessonPartFiles) -> LessonPartFiles:
    if part not in _parts:
        _parts.append(part)
    return part


def choice(value: str, choices: Iterable[str], what: str, name: str) -> str:
    choices = list(choices)
    if value not in choices:
        raise FormatError(f"{what}: {name} '{value}' is not one of {', '.join(choices)}.")
    return value


# --- Database → documents --------------------------------------------------------------


def track_document(track: Track, modules: Iterable[Module]) -> TrackDoc:
    return TrackDoc(
        slug=track.slug, title=track.title, kind=track.kind, unlock_threshold=track.unlock_threshold,
        position=track.position, summary=track.summary, description=track.description_md,
        modules=[ModuleDoc(slug=m.slug, title=m.title, summary=m.summary) for m in modules],
    )


def lesson_document(lesson: Lesson) -> LessonDoc:
    """The lesson as its file says it: live parts only (archived ones stay in the database for history)."""
    sections = list(lesson.sections.filter(archived_at__isnull=True).select_related("recall_of").order_by("position", "id"))
    doc = LessonDoc(
        slug=lesson.slug, number=lesson.number, title=lesson.title, position=lesson.position,
        subtitle=lesson.subtitle, summary=lesson.summary, estimated_minutes=lesson.estimated_minutes,
        status=lesson.status, publish_at=lesson.publish_at, next_steps=lesson.next_steps_md,
        sections=[
            SectionDoc(
                kind=s.kind, heading=s.heading, anchor=s.anchor, body=s.body_md, answer_count=s.answer_count,
                answer_label=s.answer_label, recall_of=s.recall_of.anchor if s.recall_of else "",
                media=media_files.media_path(lesson.slug, s), description=s.audio_description.strip(),
                alt=s.image_alt.strip(),
            )
            for s in sections
        ],
        faqs=[FAQDoc(question=f.question, answer=f.answer_md) for f in lesson.faqs.order_by("position", "id")],
        cards=[CardDoc(term=c.term, summary=c.summary) for c in lesson.quick_references.order_by("position", "id")],
    )
    for part in _parts:
        part.read(lesson, doc)
    return doc


def lesson_text(lesson: Lesson) -> str:
    """The lesson's full content in the file format: what revisions keep and compare."""
    return format_lesson(lesson_document(lesson))


def lesson_file_name(doc: LessonDoc) -> str:
    return f"{doc.number:02d}-{doc.slug}.md"


# --- Documents → database --------------------------------------------------------------


def apply_track(doc: TrackDoc, *, plan: Plan) -> tuple[Track, dict[str, Module]]:
    where = doc.where or f"track '{doc.slug}'"
    track = plan.sync(
        Track, lookup={"slug": doc.slug}, what=f"track '{doc.slug}'",
        values={
            "title": doc.title, "kind": choice(doc.kind, Track.Kind.values, where, "kind"), "summary": doc.summary,
            "description_md": doc.description, "unlock_threshold": doc.unlock_threshold, "position": doc.position,
        },
    )
    modules = {}
    for index, module in enumerate(doc.modules, start=1):
        if module.slug in modules:
            raise FormatError(f"{where}: module '{module.slug}' is listed twice.")
        modules[module.slug] = plan.sync(
            Module, lookup={"track": track, "slug": module.slug}, what=f"module '{doc.slug}/{module.slug}'",
            values={"title": module.title, "summary": module.summary, "position": index},
        )
    return track, modules


def apply_lesson(doc: LessonDoc, *, module: Module, plan: Plan, lesson: Lesson | None = None) -> Lesson:
    """Create or update a lesson and every part of it from its document.

    Parts are matched by identity — sections by anchor, steps by key, FAQs and
    cards by position — and parts missing from the document are archived when
    learners' records point at them, deleted otherwise.
    """
    where = doc.where or f"lesson '{doc.slug}'"
    what = f"lesson '{doc.slug}'"
    lesson = plan.sync(
        Lesson, lookup={"slug": doc.slug}, existing=lesson, what=what,
        values={
            "module_id": module.pk, "number": doc.number, "title": doc.title, "subtitle": doc.subtitle,
            "summary": doc.summary, "estimated_minutes": doc.estimated_minutes,
            "status": choice(doc.status, Lesson.Status.values, where, "status"),
            "publish_at": doc.publish_at,
            "next_steps_md": doc.next_steps,
            # Lessons read in number order within their module unless the file says otherwise.
            "position": doc.number if doc.position is None else doc.position,
        },
    )
    apply_sections(lesson, doc, plan=plan, where=where)
    apply_numbered(lesson, FAQ, [{"question": f.question, "answer_md": f.answer} for f in doc.faqs],
                   plan=plan, what=f"{what} › FAQ")
    apply_numbered(lesson, QuickReference, [{"term": c.term, "summary": c.summary} for c in doc.cards],
                   plan=plan, what=f"{what} › quick reference")
    for part in _parts:
        part.write(lesson, doc, plan)
    return lesson


def apply_sections(lesson: Lesson, doc: LessonDoc, *, plan: Plan, where: str) -> None:
    """Sections by anchor: students' answers and reading progress point at section rows,
    so inserting a section must not turn the warm-up row into something else."""
    existing = {s.anchor: s for s in lesson.sections.all()} if lesson.pk else {}
    by_anchor: dict[str, Section] = {}
    for index, section in enumerate(doc.sections, start=1):
        kind = choice(section.kind, Section.Kind.values, f"{where} › section {index}", "kind")
        # Same rule as Section.fill_anchor(), applied here so the anchor can be the lookup key.
        anchor = section.anchor or slugify(section.heading)[:80] or f"section-{index}"
        here = f"lesson '{doc.slug}' › section '{anchor}'"
        if anchor in by_anchor:
            raise FormatError(f"{where}: anchor '{anchor}' is used twice; give one section its own #anchor.")
        recall_of_id = None
        if kind == Section.Kind.RECALL:
            target = by_anchor.get(section.recall_of)
            if target is None or target.kind != Section.Kind.WARMUP_PROMPT:
                raise FormatError(f"{where} › section '{anchor}': recall_of must name the #anchor of a warm-up "
                                  f"prompt earlier in the lesson.")
            recall_of_id = target.pk
        values = {
            "kind": kind, "heading": section.heading, "body_md": section.body,
            "answer_count": section.answer_count, "answer_label": section.answer_label,
            "recall_of_id": recall_of_id, "position": index, "archived_at": None,
        }
        if kind in (Section.Kind.AUDIO, Section.Kind.IMAGE):
            values.update(media_files.section_media_values(
                section, kind=kind, anchor=anchor, lesson_slug=doc.slug, current=existing.get(anchor),
                root=plan.media_root, where=f"{where} › section '{anchor}'",
            ))
        by_anchor[anchor] = plan.sync(
            Section, lookup={"lesson": lesson, "anchor": anchor}, existing=existing.get(anchor), known=True,
            what=here, lesson=lesson, values=values,
        )
    for anchor, section in existing.items():
        if anchor not in by_anchor and section.archived_at is None:
            plan.remove(section, what=f"lesson '{doc.slug}' › section '{anchor}'", lesson=lesson,
                        archive=section.has_learner_records())


def apply_numbered(lesson: Lesson, model: type[Model], rows: list[dict], *, plan: Plan, what: str) -> None:
    """FAQs and quick reference cards: matched by position; nothing learners wrote points at them."""
    existing: dict[int, Model] = {}
    extra: list[Model] = []
    for obj in (model._default_manager.filter(lesson=lesson).order_by("position", "id") if lesson.pk else []):
        if 1 <= obj.position <= len(rows) and obj.position not in existing:
            existing[obj.position] = obj
        else:
            extra.append(obj)  # beyond the file's list, or a second row at one position
    for position, values in enumerate(rows, start=1):
        plan.sync(model, lookup={"lesson": lesson, "position": position}, existing=existing.get(position),
                  known=True, values=values, what=f"{what} {position}", lesson=lesson)
    for obj in extra:
        plan.remove(obj, what=f"{what} {obj.position}", lesson=lesson, archive=False)
