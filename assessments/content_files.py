"""The Your Turn and the skill frameworks in the content files, and whole-folder export/import.

Layout of a content folder (see docs/authoring.md for the format of each file):

    frameworks/<framework-slug>.toml
    tracks/<track-slug>/track.md                          the track and its modules, in order
    tracks/<track-slug>/<module-slug>/<NN>-<lesson-slug>.md   one file per lesson, Your Turn included

Import matches rows by identity (frameworks and categories by slug, tracks and
lessons by slug, modules by slug in their track, sections by anchor, steps by
key, FAQs and cards by position) and writes only what differs. A part removed
from a file is archived when learners' records point at it and deleted when
nothing does. Whole tracks, modules, lessons and frameworks missing from the
folder are reported and left as they are: removing those is an author's
decision in the admin. Import never creates or changes accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from lessons.content_files import media_files
from lessons.content_files.documents import (
    CategoryDoc,
    FrameworkDoc,
    LessonDoc,
    StepDoc,
    TrackDoc,
    TurnDoc,
    format_framework,
    format_lesson,
    format_track,
    parse_framework,
    parse_lesson,
    parse_track,
)
from lessons.content_files.plan import Plan
from lessons.content_files.sync import (
    apply_lesson,
    apply_track,
    choice,
    lesson_document,
    lesson_file_name,
    register_lesson_part,
    track_document,
)
from lessons.content_files.syntax import FormatError
from lessons.models import Lesson, Section, Track
from lessons.services import revision_baseline, revision_record

from .models import SkillCategory, SkillFramework, Turn, TurnStep

FRAMEWORKS_DIR = "frameworks"
TRACKS_DIR = "tracks"
TRACK_FILE = "track.md"
IMPORT_SUMMARY = "Imported from content files"
MEDIA_KINDS = (Section.Kind.AUDIO, Section.Kind.IMAGE)


# --- The Your Turn inside a lesson file ------------------------------------------------------


class TurnFiles:
    """Reads and writes a lesson's Your Turn; registered with lessons' content files at start-up."""

    def read(self, lesson: Lesson, doc: LessonDoc) -> None:
        turn = Turn.objects.filter(lesson=lesson).select_related("framework").first()
        if turn is None:
            return
        doc.turn = TurnDoc(
            title=turn.title, intro=turn.intro_md, framework=turn.framework.slug if turn.framework else "",
            estimated_minutes=turn.estimated_minutes, expected_outcome=turn.expected_outcome_md,
            completion_message=turn.completion_message,
            steps=[
                StepDoc(number=s.number, key=s.key, kind=s.kind, title=s.title, body=s.body_md, points=s.points,
                        min_words=s.min_words)
                for s in turn.steps.filter(archived_at__isnull=True).order_by("number", "id")
            ],
        )

    def write(self, lesson: Lesson, doc: LessonDoc, plan: Plan) -> None:
        where = doc.where or f"lesson '{doc.slug}'"
        what = f"lesson '{doc.slug}' › Your Turn"
        existing = Turn.objects.filter(lesson=lesson).first() if lesson.pk else None
        if doc.turn is None:
            if existing is not None:
                # A Turn students have started keeps its rows; only its steps can go.
                started = existing.attempts.exists() or existing.completions.exists() or existing.snapshots.exists()
                if started:
                    for step in existing.steps.filter(archived_at__isnull=True):
                        plan.remove(step, what=f"{what} › step '{step.key}'", lesson=lesson, archive=True)
                else:
                    plan.remove(existing, what=what, lesson=lesson, archive=False)
            return
        spec = doc.turn
        framework = None
        if spec.framework:
            framework = SkillFramework.objects.filter(slug=spec.framework).first()
            if framework is None and not plan.dry_run:
                raise FormatError(f"{where} › [turn]: no skill framework with slug '{spec.framework}'.")
        if not spec.framework and any(step.kind == TurnStep.Kind.RATE for step in spec.steps):
            raise FormatError(f"{where} › [turn]: a rate step needs the Turn to name a framework.")
        turn = plan.sync(
            Turn, lookup={"lesson": lesson}, existing=existing, known=True, what=what, lesson=lesson,
            values={
                "title": spec.title, "intro_md": spec.intro, "estimated_minutes": spec.estimated_minutes,
                "framework_id": framework.pk if framework else None, "expected_outcome_md": spec.expected_outcome,
                "completion_message": spec.completion_message,
            },
        )
        self._write_steps(turn, spec, lesson=lesson, plan=plan, where=where, what=what)

    def complete(self, doc: LessonDoc, module) -> list[str]:
        """A document names its framework by slug or name; a rating with none named uses the track's."""
        turn = doc.turn
        if turn is None:
            return []
        frameworks = SkillFramework.objects.filter(archived_at__isnull=True)
        notes = []
        if turn.framework:
            named = (frameworks.filter(slug=turn.framework).first()
                     or frameworks.filter(name__iexact=turn.framework).first()
                     or frameworks.filter(slug=slugify(turn.framework)).first())
            if named is not None:
                turn.framework = named.slug
                return []
            notes.append(f"Your Turn: no skill framework is called “{turn.framework}”.")
            turn.framework = ""
        if not any(step.kind == TurnStep.Kind.RATE for step in turn.steps):
            return notes
        used = (Turn.objects.filter(lesson__module__track_id=module.track_id, framework__archived_at__isnull=True)
                .exclude(framework=None).values_list("framework__slug", flat=True))
        slug = max(set(used), key=list(used).count) if used else frameworks.values_list("slug", flat=True).first()
        if slug is None:
            raise FormatError("Your Turn: a rating step needs a skill framework, and there is none yet.")
        turn.framework = slug
        return [*notes, f"Your Turn: the rating uses the framework “{slug}” (name another with a "
                        "“Framework: …” line under the Your Turn heading)."]

    def _write_steps(self, turn: Turn, spec: TurnDoc, *, lesson: Lesson, plan: Plan, where: str, what: str) -> None:
        steps = list(turn.steps.all()) if turn.pk else []
        active = {s.key: s for s in steps if s.archived_at is None}
        archived = {s.key: s for s in steps if s.archived_at is not None}
        keys, numbers = set(), set()
        wanted: list[tuple[str, StepDoc]] = []
        for index, step in enumerate(spec.steps, start=1):
            choice(step.kind, TurnStep.Kind.values, f"{where} › step {index}", "kind")
            key = step.key or f"{step.kind}-{step.number}"  # TurnStep.fill_key's rule
            if key in keys or step.number in numbers:
                raise FormatError(f"{where} › step '{key}': each step needs its own #key and number.")
            keys.add(key)
            numbers.add(step.number)
            wanted.append((key, step))
        # Steps that left the file go first, so their numbers and keys are free again.
        for key, step in active.items():
            if key not in keys:
                plan.remove(step, what=f"{what} › step '{key}'", lesson=lesson, archive=step.has_learner_records())
        # Two live steps cannot share a number even for a moment: park the renumbered ones out of the way.
        moving = [active[key] for key, step in wanted if key in active and active[key].number != step.number]
        if moving and not plan.dry_run:
            plan.touch(lesson)
            for step in moving:
                step.number += 1000
                step.save(update_fields=["number"])
        for key, step in wanted:
            current = active.get(key) or archived.get(key)
            plan.sync(
                TurnStep, lookup={"turn": turn, "key": key}, existing=current, known=True,
                what=f"{what} › step '{key}'", lesson=lesson,
                values={
                    "number": step.number, "kind": step.kind, "title": step.title, "body_md": step.body,
                    "points": step.points, "min_words": step.min_words, "archived_at": None,
                },
            )


register_lesson_part(TurnFiles())


# --- Skill frameworks -----------------------------------------------------------------------


def framework_document(framework: SkillFramework) -> FrameworkDoc:
    return FrameworkDoc(
        slug=framework.slug, name=framework.name, description=framework.description, position=framework.position,
        categories=[
            CategoryDoc(slug=c.slug, name=c.name, description=c.description, cluster=c.cluster, keywords=c.keywords,
                        levels={str(k): str(v) for k, v in (c.level_descriptors or {}).items()})
            for c in framework.categories.filter(archived_at__isnull=True).order_by("position", "id")
        ],
    )


def apply_framework(doc: FrameworkDoc, *, plan: Plan) -> SkillFramework:
    what = f"framework '{doc.slug}'"
    framework = plan.sync(
        SkillFramework, lookup={"slug": doc.slug}, what=what,
        values={"name": doc.name, "description": doc.description, "position": doc.position, "archived_at": None},
    )
    categories = list(framework.categories.all()) if framework.pk else []
    active = {c.slug: c for c in categories if c.archived_at is None}
    archived = {c.slug: c for c in categories if c.archived_at is not None}
    seen = set()
    for index, category in enumerate(doc.categories, start=1):
        if category.slug in seen:
            raise FormatError(f"{doc.where or what} › category '{category.slug}' is listed twice.")
        seen.add(category.slug)
        choice(category.cluster, SkillCategory.Cluster.values, f"{doc.where or what} › category {index}", "cluster")
        plan.sync(
            SkillCategory, lookup={"framework": framework, "slug": category.slug},
            existing=active.get(category.slug) or archived.get(category.slug), known=True,
            what=f"{what} › category '{category.slug}'",
            values={
                "name": category.name, "description": category.description, "cluster": category.cluster,
                "keywords": category.keywords, "level_descriptors": category.levels, "position": index,
                "archived_at": None,
            },
        )
    for slug, category in active.items():
        if slug not in seen:
            plan.remove(category, what=f"{what} › category '{slug}'", archive=category.has_learner_records())
    return framework


# --- A whole folder -------------------------------------------------------------------------


@dataclass
class ContentFolder:
    frameworks: list[FrameworkDoc] = field(default_factory=list)
    tracks: list[tuple[TrackDoc, dict[str, list[LessonDoc]]]] = field(default_factory=list)


def read_folder(directory: Path) -> ContentFolder:
    """Parse every file first, so a mistake anywhere stops the import before anything is written."""
    directory = Path(directory)
    if not (directory / FRAMEWORKS_DIR).is_dir() and not (directory / TRACKS_DIR).is_dir():
        raise FormatError(f"{directory}: no '{FRAMEWORKS_DIR}/' or '{TRACKS_DIR}/' folder to import.")
    folder = ContentFolder()
    for path in sorted((directory / FRAMEWORKS_DIR).glob("*.toml")):
        folder.frameworks.append(parse_framework(path.read_text(encoding="utf-8"), _rel(path, directory)))
    lesson_slugs: dict[str, str] = {}
    for track_dir in sorted(p for p in (directory / TRACKS_DIR).glob("*") if p.is_dir()):
        track_path = track_dir / TRACK_FILE
        if not track_path.is_file():
            raise FormatError(f"{_rel(track_dir, directory)}: no {TRACK_FILE} describing the track.")
        track = parse_track(track_path.read_text(encoding="utf-8"), _rel(track_path, directory))
        listed = {m.slug for m in track.modules}
        lessons: dict[str, list[LessonDoc]] = {m.slug: [] for m in track.modules}
        for module_dir in sorted(p for p in track_dir.iterdir() if p.is_dir()):
            if module_dir.name not in listed and any(module_dir.glob("*.md")):
                raise FormatError(f"{_rel(module_dir, directory)}: folder for a module that {TRACK_FILE} does not list.")
            for path in sorted(module_dir.glob("*.md")) if module_dir.name in listed else []:
                doc = parse_lesson(path.read_text(encoding="utf-8"), _rel(path, directory))
                if doc.slug in lesson_slugs:
                    raise FormatError(f"{doc.where}: lesson slug '{doc.slug}' is also used by {lesson_slugs[doc.slug]}.")
                lesson_slugs[doc.slug] = doc.where
                lessons[module_dir.name].append(doc)
        folder.tracks.append((track, lessons))
    return folder


def _rel(path: Path, directory: Path) -> str:
    return path.relative_to(directory).as_posix()


def import_content(directory: Path, *, dry_run: bool = False, author=None) -> Plan:
    """Bring the database in line with a content folder; with `dry_run`, only say what that would do.

    Each lesson that changes gets a revision (its content before the first write
    too, when no revision holds it yet).
    """
    folder = read_folder(directory)
    plan = Plan(dry_run=dry_run, media_root=Path(directory),
                before_lesson_write=lambda lesson: revision_baseline(lesson=lesson))
    with transaction.atomic():
        for doc in sorted(folder.frameworks, key=lambda d: (d.position, d.slug)):
            apply_framework(doc, plan=plan)
        for track_doc, lessons in folder.tracks:
            _track, modules = apply_track(track_doc, plan=plan)
            for module_slug, docs in lessons.items():
                for doc in sorted(docs, key=lambda d: d.number):
                    apply_lesson(doc, module=modules[module_slug], plan=plan)
        _note_missing(folder, plan)
        if not dry_run:
            for lesson in [*plan.created_lessons.values(), *plan.touched_lessons.values()]:
                revision_record(lesson=lesson, author=author, summary=IMPORT_SUMMARY)
    return plan


def _note_missing(folder: ContentFolder, plan: Plan) -> None:
    """Whole frameworks, tracks and lessons that are not in the folder: reported, never removed."""
    frameworks = {d.slug for d in folder.frameworks}
    tracks = {t.slug for t, _lessons in folder.tracks}
    lessons = {d.slug for _t, by_module in folder.tracks for docs in by_module.values() for d in docs}
    for slug in SkillFramework.objects.filter(archived_at__isnull=True).exclude(slug__in=frameworks).values_list("slug", flat=True):
        plan.notes.append(f"framework '{slug}' is not in the files: left as it is")
    for slug in Track.objects.exclude(slug__in=tracks).values_list("slug", flat=True):
        plan.notes.append(f"track '{slug}' is not in the files: left as it is")
    for slug in Lesson.objects.filter(module__track__slug__in=tracks).exclude(slug__in=lessons).values_list("slug", flat=True):
        plan.notes.append(f"lesson '{slug}' is not in the files: left as it is")


def export_content(directory: Path) -> list[Path]:
    """Write every framework, track and lesson to `directory`; returns the files written.

    The `frameworks/`, `tracks/` and `media/` folders belong to the export: files
    there that no longer match a row are removed, so a re-import does not bring
    a renamed lesson (or a replaced recording) back. Media files are copied from
    storage byte for byte and written only when they differ.
    """
    directory = Path(directory)
    media_files.check_export_target(directory)
    files: dict[Path, str] = {}
    media: dict[Path, bytes] = {}
    used_frameworks = set(Turn.objects.exclude(framework=None).values_list("framework__slug", flat=True))
    for framework in SkillFramework.objects.order_by("position", "slug"):
        if framework.archived_at is None or framework.slug in used_frameworks:
            files[directory / FRAMEWORKS_DIR / f"{framework.slug}.toml"] = format_framework(framework_document(framework))
    for track in Track.objects.order_by("position", "slug"):
        modules = list(track.modules.order_by("position", "id"))
        track_dir = directory / TRACKS_DIR / track.slug
        files[track_dir / TRACK_FILE] = format_track(track_document(track, modules))
        for module in modules:
            for lesson in module.lessons.order_by("number", "id"):
                doc = lesson_document(lesson)
                doc.where = f"{TRACKS_DIR}/{track.slug}/{module.slug}/{lesson_file_name(doc)}"
                files[track_dir / module.slug / lesson_file_name(doc)] = format_lesson(doc)
                sections = lesson.sections.filter(archived_at__isnull=True, kind__in=MEDIA_KINDS).order_by("position", "id")
                media.update(media_files.export_media(lesson.slug, sections, directory))
    for sub, pattern in ((FRAMEWORKS_DIR, "*.toml"), (TRACKS_DIR, "**/*.md"), (media_files.MEDIA_DIR, "**/*")):
        for stale in (directory / sub).glob(pattern):
            if stale.is_file() and stale not in files and stale not in media:
                stale.unlink()
    for sub in (TRACKS_DIR, media_files.MEDIA_DIR):
        for folder in sorted((directory / sub).glob("**/"), key=lambda p: -len(p.parts)):
            if folder != directory / sub and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()  # a module, track or lesson that is gone
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
    for path, data in media.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return sorted([*files, *media])
