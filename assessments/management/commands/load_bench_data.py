"""`manage.py load_bench_data`: the dataset `make bench` measures.

A Core Track of `--lessons` lessons (10 modules' worth) with `--sections` sections
and `--faqs` FAQs each, every lesson with a Your Turn (rate, reflection, goals),
two Extension Courses above every bench student's balance, and `--students`
students. Each student has reading progress on 20 lessons (the first 10 done),
a snapshot and a completion for each done lesson, a reflection on the two
reflection steps of each done lesson and the ledger rows those paid, so the
cached balance equals the ledger's sum as it does for a real student.

It is built for speed, not through the services: one password hash shared by
every student, ids allotted up front, rows written in batches with
`bulk_create` (or PostgreSQL's COPY for the per-student tables), one
transaction. It is idempotent: a second run with the same sizes keeps the
data and only issues new session tokens; other sizes, or `--reset`, rebuild it.
Bench rows are namespaced (track slugs `bench-*`, e-mails `@bench.softsynced.example`)
and nothing else in the database is touched.

`--tokens N` logs the first N students in (a Django session each, the same thing
allauth's headless login creates: its key is the `X-Session-Token` and also works
as the `sessionid` cookie) and `--manifest PATH` writes what the bench needs as JSON.
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from accounts.models import Session
from assessments.models import (
    PointsEntry,
    Reflection,
    ReflectionVersion,
    SkillCategory,
    SkillFramework,
    SkillSnapshot,
    SnapshotRating,
    Turn,
    TurnAttempt,
    TurnCompletion,
    TurnStep,
)
from lessons.markdown import render_markdown
from lessons.models import FAQ, Lesson, LessonProgress, Module, QuickReference, Section, Track
from lessons.services import content_changed

User = get_user_model()

EMAIL_DOMAIN = "bench.softsynced.example"
PASSWORD = "bench-producer-1"
TRACK_SLUG = "bench-core"
FRAMEWORK_SLUG = "bench-spectrum"
TOKEN_PREFIX = "bench"
MODULES = 10
READ_PER_STUDENT = 20  # lessons with reading progress
DONE_PER_STUDENT = 10  # of those, done: a snapshot, a completion, two reflections each
REFLECTION_POINTS = 5
CATEGORIES = [
    ("technical", "Technical", "craft"),
    ("creative", "Creative", "craft"),
    ("interpersonal", "Interpersonal", "people"),
    ("business", "Business", "people"),
    ("personal", "Personal", "people"),
]
WORDS = (
    "gain staging headroom compressor attack release sidechain reverb tail pre-delay arrangement "
    "chorus drop bridge hook melody harmony chord voicing bassline kick snare transient sample "
    "synth oscillator filter envelope automation bus stem mixdown master loudness reference track "
    "monitor room acoustics session artist feedback deadline client brief release plan audience "
    "practice habit routine listening critical ear taste finish draft version bounce export"
).split()


def email_for(n: int) -> str:
    return f"student-{n:06d}@{EMAIL_DOMAIN}"


def slug_for(n: int) -> str:
    return f"bench-lesson-{n:03d}"


class Text:
    """Deterministic filler prose about producing music."""

    def __init__(self, seed: int = 7):
        self.random = random.Random(seed)

    def sentence(self, words: int = 14) -> str:
        picked = self.random.choices(WORDS, k=words)
        return " ".join(picked).capitalize() + "."

    def paragraph(self, sentences: int = 5) -> str:
        return " ".join(self.sentence(self.random.randint(9, 18)) for _ in range(sentences))

    def words(self, count: int) -> str:
        return " ".join(self.random.choices(WORDS, k=count))


class RowWriter:
    """Buffers rows per model and writes them in batches, with ids allotted up front.

    On PostgreSQL the per-student tables go through COPY; elsewhere (and for
    the content) `bulk_create`. Values are plain column values keyed by field
    attname, so both paths take the same rows.
    """

    def __init__(self, *, batch_size: int, use_copy: bool):
        self.batch_size = batch_size
        self.use_copy = use_copy
        self.rows: dict[type[models.Model], list[dict[str, Any]]] = defaultdict(list)
        self.ids: dict[type[models.Model], int] = {}
        self.written: dict[str, int] = defaultdict(int)
        self.copy_models: set[type[models.Model]] = set()

    def next_id(self, model: type[models.Model]) -> int:
        if model not in self.ids:
            self.ids[model] = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def add(self, model: type[models.Model], **values: Any) -> int:
        if "id" not in values:
            values["id"] = self.next_id(model)
        self.rows[model].append(values)
        if len(self.rows[model]) >= self.batch_size:
            self.flush(model)
        return values["id"]

    def flush(self, *only: type[models.Model]) -> None:
        for model in only or list(self.rows):
            rows = self.rows.pop(model, [])
            if not rows:
                continue
            self.written[model._meta.label] += len(rows)
            if self.use_copy and model in self.copy_models:
                self._copy(model, rows)
            else:
                model._default_manager.bulk_create([model(**row) for row in rows], batch_size=self.batch_size)

    def _copy(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        names = list(rows[0])
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[n] for n in names])

    def reset_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the ids written here (SQLite needs nothing)."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.ids))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Command(BaseCommand):
    help = "Build (or keep) the benchmark dataset: a 100-lesson Core Track and N students with history."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--students", type=int, default=1000)
        parser.add_argument("--lessons", type=int, default=100, help="Core Track lessons (at least 20).")
        parser.add_argument("--sections", type=int, default=10, help="Sections per lesson.")
        parser.add_argument("--faqs", type=int, default=5, help="FAQs per lesson.")
        parser.add_argument("--reset", action="store_true", help="Delete the bench data first, whatever its size.")
        parser.add_argument("--tokens", type=int, default=0, help="Issue session tokens for the first N students.")
        parser.add_argument("--manifest", type=Path, help="Write tokens, lesson slugs and sample bodies here (JSON).")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        students, lessons = options["students"], options["lessons"]
        sections, faqs = options["sections"], options["faqs"]
        if lessons < READ_PER_STUDENT or sections < 2 or faqs < 0 or students < 1:
            raise CommandError(f"Need --lessons >= {READ_PER_STUDENT}, --sections >= 2, --faqs >= 0, --students >= 1.")
        if options["tokens"] > students:
            raise CommandError("--tokens cannot exceed --students.")
        started = time.monotonic()
        shape = {"students": students, "lessons": lessons, "sections": sections, "faqs": faqs}
        if not options["reset"] and current_shape() == shape:
            self.stdout.write(f"Bench data already loaded ({_describe(shape)}); keeping it.")
        else:
            with transaction.atomic():
                removed = delete_bench_data()
                if removed:
                    self.stdout.write(f"Removed the previous bench data ({removed} students).")
                writer = RowWriter(batch_size=options["batch_size"], use_copy=connection.vendor == "postgresql")
                build(writer, shape, log=self.stdout.write)
                writer.reset_sequences()
                # Written in bulk, past Model.save(): report it like any other content change.
                content_changed(lessons=Lesson.objects.filter(module__track__slug__startswith="bench-"), structure=True)
            analyze()
            summary = ", ".join(f"{label.split('.')[-1]} {count:,}" for label, count in sorted(writer.written.items()))
            self.stdout.write(f"Built {_describe(shape)} in {time.monotonic() - started:.1f} s: {summary}.")
        tokens = issue_tokens(options["tokens"]) if options["tokens"] else []
        if options["manifest"]:
            write_manifest(options["manifest"], tokens=tokens)
            self.stdout.write(f"Wrote {options['manifest']} with {len(tokens)} session tokens.")


def _describe(shape: dict[str, int]) -> str:
    return (
        f"{shape['lessons']} lessons x {shape['sections']} sections x {shape['faqs']} FAQs, "
        f"{shape['students']:,} students"
    )


def current_shape() -> dict[str, int] | None:
    track = Track.objects.filter(slug=TRACK_SLUG).first()
    if track is None:
        return None
    lessons = Lesson.objects.filter(module__track=track)
    first = lessons.order_by("position").first()
    if first is None:
        return None
    return {
        "students": User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count(),
        "lessons": lessons.count(),
        "sections": first.sections.count(),
        "faqs": first.faqs.count(),
    }


def delete_bench_data() -> int:
    """Delete bench students (and everything of theirs), bench sessions and bench content.

    Plain DELETEs with a subquery, children first: the ORM's cascade would load
    a million rows into memory to delete them.
    """
    users = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    count = users.count()
    qn = connection.ops.quote_name
    user_ids = f"SELECT id FROM {qn(User._meta.db_table)} WHERE email LIKE %s"
    pattern = [f"%@{EMAIL_DOMAIN}"]
    with connection.cursor() as cursor:
        if count:
            snapshots = f"SELECT id FROM {qn(SkillSnapshot._meta.db_table)} WHERE user_id IN ({user_ids})"
            cursor.execute(f"DELETE FROM {qn(SnapshotRating._meta.db_table)} WHERE snapshot_id IN ({snapshots})", pattern)
            reflections = f"SELECT id FROM {qn(Reflection._meta.db_table)} WHERE user_id IN ({user_ids})"
            cursor.execute(
                f"DELETE FROM {qn(ReflectionVersion._meta.db_table)} WHERE reflection_id IN ({reflections})", pattern
            )
            for table, column in tables_pointing_at_users():
                cursor.execute(f"DELETE FROM {qn(table)} WHERE {qn(column)} IN ({user_ids})", pattern)
            cursor.execute(f"DELETE FROM {qn(User._meta.db_table)} WHERE email LIKE %s", pattern)
        cursor.execute(f"DELETE FROM {qn(Session._meta.db_table)} WHERE session_key LIKE %s", [f"{TOKEN_PREFIX}%"])
    # Content is small (hundreds of rows); the ORM's cascade is fine here.
    Track.objects.filter(slug__startswith="bench-").delete()
    SkillFramework.objects.filter(slug=FRAMEWORK_SLUG).delete()
    return count


def tables_pointing_at_users() -> list[tuple[str, str]]:
    """Every (table, column) holding a user id: this app's, allauth's, admin's, m2m tables.

    Attempts come last: snapshots and reflections point at them.
    """
    found = [
        (model._meta.db_table, field.column)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is User
    ]
    return sorted(found, key=lambda pair: pair[0] == TurnAttempt._meta.db_table)


def build(writer: RowWriter, shape: dict[str, int], *, log) -> None:
    text = Text()
    now = timezone.now()
    content = build_content(writer, shape, text=text, now=now)
    log(f"Content: {shape['lessons']} lessons, {shape['lessons'] * shape['sections']} sections.")
    writer.copy_models = {
        User, EmailAddress, LessonProgress, TurnAttempt, SkillSnapshot, SnapshotRating, Reflection, ReflectionVersion,
        TurnCompletion, PointsEntry,
    }
    build_students(writer, shape, content=content, text=text, now=now, log=log)


def build_content(writer: RowWriter, shape: dict[str, int], *, text: Text, now) -> dict[str, Any]:
    framework_id = writer.add(
        SkillFramework, name="Bench skill spectrum", slug=FRAMEWORK_SLUG,
        description="The five areas of the producer skill spectrum.", position=100,
    )
    categories = []
    for position, (slug, name, cluster) in enumerate(CATEGORIES):
        pk = writer.add(
            SkillCategory, framework_id=framework_id, name=name, slug=slug, cluster=cluster, position=position,
            description=text.sentence(10), level_descriptors={"1": "New to this", "5": "Comfortable", "10": "Could teach it"},
        )
        categories.append({"id": pk, "slug": slug, "name": name, "cluster": cluster, "position": position})
    writer.flush()

    description = text.paragraph(3)
    core_id = writer.add(
        Track, title="Core Track", slug=TRACK_SLUG, kind=Track.Kind.CORE, unlock_threshold=0, position=1,
        summary="Every lesson of the bench course.", description_md=description, description_html=render_markdown(description),
    )
    for n, threshold in enumerate([500, 1000], start=1):
        track_id = writer.add(
            Track, title=f"Bench Extension {n}", slug=f"bench-extension-{n}", kind=Track.Kind.EXTENSION,
            unlock_threshold=threshold, position=1 + n, summary="An Extension Course above every bench balance.",
        )
        module_id = writer.add(Module, track_id=track_id, title=f"Extension module {n}", slug=f"extension-{n}", position=1)
        for k in range(1, 3):
            writer.add(
                Lesson, module_id=module_id, number=k, title=f"Extension {n} lesson {k}", slug=f"bench-extension-{n}-lesson-{k}",
                status=Lesson.Status.PUBLISHED, position=k, estimated_minutes=15,
            )
    per_module = -(-shape["lessons"] // MODULES)
    module_ids = [
        writer.add(Module, track_id=core_id, title=f"Module {m}: {text.words(3).title()}", slug=f"module-{m:02d}",
                   summary=text.sentence(12), position=m)
        for m in range(1, MODULES + 1)
    ]
    next_steps = text.paragraph(2)
    next_steps_html = render_markdown(next_steps)
    lessons = []
    for n in range(1, shape["lessons"] + 1):
        lesson_id = writer.add(
            Lesson, module_id=module_ids[(n - 1) // per_module], number=n, slug=slug_for(n),
            title=f"Lesson {n}: {text.words(4).title()}", subtitle="A Soft Synced Companion Guide",
            summary=text.sentence(16), estimated_minutes=20, status=Lesson.Status.PUBLISHED, position=n,
            next_steps_md=next_steps, next_steps_html=next_steps_html, content_version=1, updated_at=now,
        )
        lessons.append({"id": lesson_id, "slug": slug_for(n), "sections": []})
    writer.flush()

    for lesson in lessons:
        for position in range(1, shape["sections"] + 1):
            heading = f"Part {position}: {text.words(3).title()}"
            body = "\n\n".join([text.paragraph(4), text.paragraph(3), f"- {text.sentence(8)}\n- {text.sentence(8)}"])
            section = Section(
                lesson_id=lesson["id"], position=position, heading=heading, body_md=body,
                kind=Section.Kind.CALLOUT if position == 1 else Section.Kind.PROSE, anchor=slugify(heading)[:80],
            )
            section.render()
            section_id = writer.add(
                Section, lesson_id=lesson["id"], position=position, kind=section.kind, heading=heading,
                anchor=section.anchor, body_md=body, body_html=section.body_html, answer_count=3,
            )
            lesson["sections"].append({"id": section_id, "position": position, "anchor": section.anchor})
        for position in range(1, shape["faqs"] + 1):
            answer = text.paragraph(2)
            writer.add(FAQ, lesson_id=lesson["id"], position=position, question=f"{text.sentence(9)[:-1]}?",
                       answer_md=answer, answer_html=render_markdown(answer))
        for position in range(1, 4):
            writer.add(QuickReference, lesson_id=lesson["id"], position=position, term=text.words(2).title(),
                       summary=text.sentence(10))
    intro = text.paragraph(2)
    intro_html = render_markdown(intro)
    step_bodies = {kind: text.paragraph(2) for kind in ("rate", "reflection", "goals")}
    step_html = {kind: render_markdown(body) for kind, body in step_bodies.items()}
    for lesson in lessons:
        turn_id = writer.add(
            Turn, lesson_id=lesson["id"], title="Rate, reflect, connect", intro_md=intro, intro_html=intro_html,
            estimated_minutes=20, framework_id=framework_id, expected_outcome_md=intro, expected_outcome_html=intro_html,
            completion_message="Nice work.",
        )
        lesson["turn"] = turn_id
        lesson["steps"] = {}
        for number, kind, points in [(1, "rate", 0), (2, "reflection", REFLECTION_POINTS), (3, "goals", REFLECTION_POINTS)]:
            lesson["steps"][number] = writer.add(
                TurnStep, turn_id=turn_id, number=number, key=f"{kind}-{number}", kind=kind,
                title=f"Step {number}: {kind.title()}",
                body_md=step_bodies[kind], body_html=step_html[kind], points=points, min_words=10 if points else 0,
            )
    writer.flush()
    return {"lessons": lessons, "categories": categories, "framework_id": framework_id}


def build_students(writer: RowWriter, shape: dict[str, int], *, content: dict[str, Any], text: Text, now, log) -> None:
    # Hashing is slow by design: hash once and share the hash (the salt too).
    password = make_password(PASSWORD)
    lessons = content["lessons"]
    categories = content["categories"]
    reflection_texts = [text.paragraph(3) for _ in range(16)]
    word_counts = [len(t.split()) for t in reflection_texts]
    rng = random.Random(11)
    started = time.monotonic()
    for n in range(1, shape["students"] + 1):
        joined = now - timedelta(days=400, minutes=n)
        user_id = writer.add(
            User, email=email_for(n), password=password, display_name=f"Bench Student {n}", is_active=True,
            is_staff=False, is_superuser=False, date_joined=joined, definition_of_success="",
            producer_path=["solo", "collaboration", "client", "audience"][n % 4], reminders_opt_in=False,
            feedback_email_opt_in=False,
            depth_points=DONE_PER_STUDENT * 2 * REFLECTION_POINTS, state_version=0, shared_version=0,
        )
        writer.add(EmailAddress, user_id=user_id, email=email_for(n), verified=True, primary=True)
        for index, lesson in enumerate(lessons[:READ_PER_STUDENT]):
            done = index < DONE_PER_STUDENT
            when = joined + timedelta(days=index * 10)
            furthest = lesson["sections"][-1] if done else lesson["sections"][len(lesson["sections"]) // 2]
            writer.add(
                LessonProgress, user_id=user_id, lesson_id=lesson["id"], started_at=when,
                furthest_section_id=furthest["id"], furthest_position=furthest["position"],
                guide_finished_at=when if done else None, completed_at=when + timedelta(hours=1) if done else None,
                updated_at=when + timedelta(hours=1),
            )
            if not done:
                continue
            attempt_id = writer.add(TurnAttempt, user_id=user_id, turn_id=lesson["turn"], number=1, started_at=when)
            snapshot_id = writer.add(
                SkillSnapshot, user_id=user_id, framework_id=content["framework_id"], framework_name="Bench skill spectrum",
                turn_id=lesson["turn"], attempt_id=attempt_id, created_at=when,
            )
            for category in categories:
                writer.add(
                    SnapshotRating, snapshot_id=snapshot_id, category_id=category["id"], category_slug=category["slug"],
                    category_name=category["name"], cluster=category["cluster"], position=category["position"],
                    value=rng.randint(1, 10),
                )
            for number, kind in ((2, "reflection"), (3, "goals")):
                which = rng.randrange(len(reflection_texts))
                step_id = lesson["steps"][number]
                reflection_id = writer.add(
                    Reflection, user_id=user_id, step_id=step_id, attempt_id=attempt_id, text=reflection_texts[which],
                    word_count=word_counts[which], created_at=when, updated_at=when,
                )
                writer.add(
                    ReflectionVersion, reflection_id=reflection_id, text=reflection_texts[which],
                    word_count=word_counts[which], created_at=when,
                )
                writer.add(
                    PointsEntry, user_id=user_id, amount=REFLECTION_POINTS, reason=f"Reflection: Step {number}",
                    source_key=f"reflection:lesson-{lesson['id']}:{kind}-{number}", step_id=step_id, created_at=when,
                )
            writer.add(TurnCompletion, user_id=user_id, turn_id=lesson["turn"], completed_at=when + timedelta(hours=1))
        if n % 1000 == 0:
            # Parents before children, every thousand students, so memory stays flat.
            writer.flush(User, EmailAddress, LessonProgress, TurnAttempt, SkillSnapshot, SnapshotRating, Reflection)
            writer.flush()
            if n % 20000 == 0:
                log(f"  {n:,} students ({time.monotonic() - started:.0f} s)")
    writer.flush(User, EmailAddress, LessonProgress, TurnAttempt, SkillSnapshot, SnapshotRating, Reflection)
    writer.flush()


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL would otherwise guess)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def issue_tokens(count: int) -> list[dict[str, Any]]:
    """Log the first `count` bench students in: one new session each, old bench sessions dropped.

    The session holds exactly what `django.contrib.auth.login` stores, which is
    what allauth's headless login stores too, so its key is a valid X-Session-Token
    and `sessionid` cookie for as long as the SECRET_KEY (which signs the
    password hash in it) stays the same.
    """
    users = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("email")[:count])
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    rows, tokens = [], []
    for user in users:
        key = TOKEN_PREFIX + get_random_string(32 - len(TOKEN_PREFIX), "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires, user_id=user.pk))
        tokens.append({"token": key, "email": user.email, "user_id": user.pk})
    with transaction.atomic():
        Session.objects.filter(session_key__startswith=TOKEN_PREFIX).delete()
        Session.objects.bulk_create(rows, batch_size=1000)
    return tokens


def write_manifest(path: Path, *, tokens: list[dict[str, Any]]) -> None:
    lessons = list(
        Lesson.objects.filter(module__track__slug=TRACK_SLUG).order_by("position").values_list("slug", flat=True)
    )
    # The middle section of each lesson a student has read: where a reading-progress write points.
    middle = {}
    for slug, section_id in Section.objects.filter(lesson__slug__in=lessons[:READ_PER_STUDENT]).order_by(
        "lesson__position", "position"
    ).values_list("lesson__slug", "id"):
        middle.setdefault(slug, []).append(section_id)
    manifest = {
        "track": TRACK_SLUG,
        "lessons": lessons,
        "password": PASSWORD,
        "progress_sections": {slug: ids[len(ids) // 2] for slug, ids in middle.items()},
        "reflection_step": 2,
        "ratings": [slug for slug, _, _ in CATEGORIES],
        "tokens": tokens,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1))
