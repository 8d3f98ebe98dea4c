"""`manage.py load_demo`: the demo course, its skill frameworks and the demo logins.

Content is read from the TOML files in `assessments/demo/` (frameworks first, then
every other file in name order). Rows are matched by natural key (a slug, an anchor,
a position) and saved only when a field from the file differs from the database:
saving any part of a lesson bumps the lesson's `content_version`, which would throw
away every cached copy of it, so an unchanged file must write nothing at all.
Rows that are no longer in a file are left alone.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils.text import slugify

from assessments.models import SkillCategory, SkillFramework, Turn, TurnStep
from lessons.models import FAQ, Lesson, Module, QuickReference, Section, Track

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
FRAMEWORKS_FILE = "frameworks.toml"
DEMO_PASSWORD = "producer-demo-1"
DEMO_URL = "http://127.0.0.1:8000/"

Table = dict[str, Any]
Tally = Counter[str]
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    is_author: bool


DEMO_ACCOUNTS = (
    DemoAccount("student@example.com", "Demo Student", is_author=False),
    DemoAccount("author@example.com", "Demo Author", is_author=True),
)

# The keys each kind of table may hold; anything else is almost always a typo.
TRACK_KEYS = {"slug", "title", "kind", "unlock_threshold", "position", "summary", "description"}
MODULE_KEYS = {"slug", "title", "summary"}
LESSON_KEYS = {
    "module", "number", "slug", "title", "subtitle", "summary", "estimated_minutes", "status",
    "next_steps", "section", "faq", "card", "turn",
}
SECTION_KEYS = {"kind", "heading", "anchor", "body", "answer_count", "answer_label", "recall_of"}
FAQ_KEYS = {"question", "answer"}
CARD_KEYS = {"term", "summary"}
TURN_KEYS = {"title", "estimated_minutes", "framework", "intro", "expected_outcome", "completion_message", "step"}
STEP_KEYS = {"kind", "title", "body", "points", "min_words"}
FRAMEWORK_KEYS = {"slug", "name", "description", "category"}
CATEGORY_KEYS = {"slug", "name", "cluster", "description", "keywords", "levels"}


class Command(BaseCommand):
    help = "Load the demo course, skill frameworks and demo accounts (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        documents = read_documents(DEMO_DIR)
        tally: Tally = Counter()
        with transaction.atomic():
            frameworks: dict[str, SkillFramework] = {}
            position = 0
            for name, document in documents:
                for table in document.get("framework", []):
                    position += 1
                    framework = load_framework(table, position=position, tally=tally, where=name)
                    frameworks[framework.slug] = framework
            for name, document in documents:
                if "track" in document:
                    load_track(document, frameworks=frameworks, tally=tally, where=name)
            for account in DEMO_ACCOUNTS:
                load_account(account, tally=tally)
            more_logins = load_app_demos(tally=tally)

        self.stdout.write(
            f"Demo content: {tally['created']} created, {tally['updated']} updated, "
            f"{tally['unchanged']} unchanged."
        )
        self.stdout.write(self.style.SUCCESS(f"Demo logins for {DEMO_URL}"))
        for account in DEMO_ACCOUNTS:
            role = "author, edits content at /admin/" if account.is_author else "student"
            self.stdout.write(f"  {account.email:<20} password {DEMO_PASSWORD}   ({role})")
        for line in more_logins:
            self.stdout.write(line)


def load_app_demos(*, tally: Tally) -> list[str]:
    """Demo data of apps that build on this one (mentoring's cohort), without importing them.

    An app config with a `load_demo_data(tally=...)` method adds its rows (idempotently,
    like everything here) and returns login lines to print.
    """
    lines: list[str] = []
    for config in apps.get_app_configs():
        loader = getattr(config, "load_demo_data", None)
        if callable(loader):
            lines.extend(loader(tally=tally))
    return lines


# --- Reading the files -------------------------------------------------------------


def read_documents(directory: Path) -> list[tuple[str, Table]]:
    """Parse every demo file, frameworks first (tracks' Turns refer to them)."""
    paths = sorted(directory.glob("*.toml"), key=lambda path: (path.name != FRAMEWORKS_FILE, path.name))
    if not paths:
        raise CommandError(f"No demo files found in {directory}.")
    documents = []
    for path in paths:
        try:
            with path.open("rb") as handle:
                documents.append((path.name, tomllib.load(handle)))
        except tomllib.TOMLDecodeError as exc:
            raise CommandError(f"{path.name}: not valid TOML: {exc}") from exc
    return documents


def check_keys(table: Table, allowed: set[str], where: str) -> None:
    """Refuse keys the loader does not know, so a misspelt field is not silently dropped."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        expected = ", ".join(sorted(allowed))
        raise CommandError(f"{where}: unknown key(s) {', '.join(unknown)}; expected some of {expected}.")


def required(table: Table, key: str, where: str) -> Any:
    """The value of a key the file must give."""
    if key not in table:
        raise CommandError(f"{where}: missing '{key}'.")
    return table[key]


def text(table: Table, key: str) -> str:
    """An optional string, without the blank lines a TOML multi-line string adds at its ends."""
    return str(table.get(key, "")).strip()


def choice(table: Table, key: str, choices: type[models.TextChoices], where: str, default: str | None = None) -> str:
    """A value that must be one of a model's choices; required unless a default is given."""
    value = table.get(key, default) if default is not None else required(table, key, where)
    if value not in choices.values:
        raise CommandError(f"{where}: {key} '{value}' is not one of {', '.join(repr(v) for v in choices.values)}.")
    return value


# --- Writing rows ------------------------------------------------------------------


def sync(model: type[M], *, lookup: Table, values: Table, tally: Tally, where: str) -> M:
    """Create the row matching `lookup`, or update it only where `values` differ.

    `values` holds source fields only (Markdown, not the rendered HTML) and foreign
    keys by their `_id` attribute, so the comparison needs no extra queries.
    """
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        obj = model(**lookup, **values)
        outcome = "created"
    else:
        changed = {field: value for field, value in values.items() if getattr(obj, field) != value}
        if not changed:
            tally["unchanged"] += 1
            return obj
        for field, value in changed.items():
            setattr(obj, field, value)
        outcome = "updated"
    try:
        # Catches what SQLite would let through (too-long text, a bad choice) before PostgreSQL does.
        obj.full_clean()
    except ValidationError as exc:
        raise CommandError(f"{where}: {exc}") from exc
    obj.save()
    tally[outcome] += 1
    return obj


def load_framework(table: Table, *, position: int, tally: Tally, where: str) -> SkillFramework:
    """A skill framework and its categories, in file order."""
    slug = required(table, "slug", where)
    where = f"{where} › framework '{slug}'"
    check_keys(table, FRAMEWORK_KEYS, where)
    framework = sync(
        SkillFramework,
        lookup={"slug": slug},
        values={
            "name": required(table, "name", where),
            "description": text(table, "description"),
            "position": position,
        },
        tally=tally,
        where=where,
    )
    for index, category in enumerate(table.get("category", []), start=1):
        here = f"{where} › category {index}"
        check_keys(category, CATEGORY_KEYS, here)
        levels = {str(level): str(meaning).strip() for level, meaning in category.get("levels", {}).items()}
        sync(
            SkillCategory,
            lookup={"framework": framework, "slug": required(category, "slug", here)},
            values={
                "name": required(category, "name", here),
                "description": text(category, "description"),
                "cluster": choice(category, "cluster", SkillCategory.Cluster, here, default=""),
                "keywords": text(category, "keywords"),
                "level_descriptors": levels,
                "position": index,
            },
            tally=tally,
            where=here,
        )
    return framework


def load_track(document: Table, *, frameworks: dict[str, SkillFramework], tally: Tally, where: str) -> Track:
    """A track with its modules and lessons."""
    table = document["track"]
    check_keys(table, TRACK_KEYS, f"{where} › track")
    track = sync(
        Track,
        lookup={"slug": required(table, "slug", f"{where} › track")},
        values={
            "title": required(table, "title", f"{where} › track"),
            "kind": choice(table, "kind", Track.Kind, f"{where} › track"),
            "summary": text(table, "summary"),
            "description_md": text(table, "description"),
            "unlock_threshold": table.get("unlock_threshold", 0),
            "position": table.get("position", 0),
        },
        tally=tally,
        where=f"{where} › track",
    )
    modules: dict[str, Module] = {}
    for index, module in enumerate(document.get("module", []), start=1):
        here = f"{where} › module {index}"
        check_keys(module, MODULE_KEYS, here)
        slug = required(module, "slug", here)
        modules[slug] = sync(
            Module,
            lookup={"track": track, "slug": slug},
            values={"title": required(module, "title", here), "summary": text(module, "summary"), "position": index},
            tally=tally,
            where=here,
        )
    for lesson in document.get("lesson", []):
        load_lesson(lesson, modules=modules, frameworks=frameworks, tally=tally, where=where)
    return track


def load_lesson(
    table: Table, *, modules: dict[str, Module], frameworks: dict[str, SkillFramework], tally: Tally, where: str
) -> Lesson:
    """A lesson, then its sections, FAQs, quick reference cards and Turn."""
    slug = required(table, "slug", f"{where} › lesson")
    where = f"{where} › lesson '{slug}'"
    check_keys(table, LESSON_KEYS, where)
    module_slug = required(table, "module", where)
    if module_slug not in modules:
        raise CommandError(f"{where}: module '{module_slug}' is not a [[module]] of this file.")
    number = required(table, "number", where)
    lesson = sync(
        Lesson,
        lookup={"slug": slug},
        values={
            "module_id": modules[module_slug].pk,
            "number": number,
            "title": required(table, "title", where),
            "subtitle": text(table, "subtitle"),
            "summary": text(table, "summary"),
            "estimated_minutes": table.get("estimated_minutes", 15),
            "status": choice(table, "status", Lesson.Status, where),
            "next_steps_md": text(table, "next_steps"),
            # Lessons read in number order within their module.
            "position": number,
        },
        tally=tally,
        where=where,
    )
    load_sections(lesson, table.get("section", []), tally=tally, where=where)
    for index, faq in enumerate(table.get("faq", []), start=1):
        here = f"{where} › faq {index}"
        check_keys(faq, FAQ_KEYS, here)
        sync(
            FAQ,
            lookup={"lesson": lesson, "position": index},
            values={"question": required(faq, "question", here), "answer_md": required(faq, "answer", here).strip()},
            tally=tally,
            where=here,
        )
    for index, card in enumerate(table.get("card", []), start=1):
        here = f"{where} › card {index}"
        check_keys(card, CARD_KEYS, here)
        sync(
            QuickReference,
            lookup={"lesson": lesson, "position": index},
            values={"term": required(card, "term", here), "summary": required(card, "summary", here)},
            tally=tally,
            where=here,
        )
    if "turn" in table:
        load_turn(lesson, table["turn"], frameworks=frameworks, tally=tally, where=where)
    return lesson


def load_sections(lesson: Lesson, tables: list[Table], *, tally: Tally, where: str) -> list[Section]:
    """A lesson's Guide sections, matched by anchor.

    The anchor, not the position, is a section's identity: students' warm-up
    answers and reading progress point at section rows, so inserting a section
    must not turn the warm-up row into something else.
    """
    by_anchor: dict[str, Section] = {}
    for index, table in enumerate(tables, start=1):
        here = f"{where} › section {index}"
        check_keys(table, SECTION_KEYS, here)
        kind = choice(table, "kind", Section.Kind, here)
        heading = text(table, "heading")
        # Same rule as Section.render(), applied here so the anchor can be the lookup key.
        anchor = text(table, "anchor") or slugify(heading)[:80] or f"section-{index}"
        if anchor in by_anchor:
            raise CommandError(f"{here}: anchor '{anchor}' is used twice in this lesson; give one an explicit anchor.")
        recall_of_id = None
        if kind == Section.Kind.RECALL:
            target = by_anchor.get(required(table, "recall_of", here))
            if target is None or target.kind != Section.Kind.WARMUP_PROMPT:
                raise CommandError(f"{here}: recall_of must name the anchor of a warm-up prompt earlier in the lesson.")
            recall_of_id = target.pk
        by_anchor[anchor] = sync(
            Section,
            lookup={"lesson": lesson, "anchor": anchor},
            values={
                "kind": kind,
                "heading": heading,
                "body_md": text(table, "body"),
                "answer_count": table.get("answer_count", 3),
                "answer_label": text(table, "answer_label"),
                "recall_of_id": recall_of_id,
                "position": index,
            },
            tally=tally,
            where=here,
        )
    return list(by_anchor.values())


def load_turn(
    lesson: Lesson, table: Table, *, frameworks: dict[str, SkillFramework], tally: Tally, where: str
) -> Turn:
    """A lesson's Your Turn and its numbered steps."""
    where = f"{where} › turn"
    check_keys(table, TURN_KEYS, where)
    framework = None
    if "framework" in table:
        framework = frameworks.get(table["framework"]) or SkillFramework.objects.filter(slug=table["framework"]).first()
        if framework is None:
            raise CommandError(f"{where}: no skill framework with slug '{table['framework']}'.")
    steps = table.get("step", [])
    if framework is None and any(step.get("kind") == TurnStep.Kind.RATE for step in steps):
        raise CommandError(f"{where}: a rate step needs the Turn to name a framework.")
    turn = sync(
        Turn,
        lookup={"lesson": lesson},
        values={
            "title": required(table, "title", where),
            "intro_md": text(table, "intro"),
            "estimated_minutes": table.get("estimated_minutes", 20),
            "framework_id": framework.pk if framework else None,
            "expected_outcome_md": text(table, "expected_outcome"),
            "completion_message": text(table, "completion_message"),
        },
        tally=tally,
        where=where,
    )
    for number, step in enumerate(steps, start=1):
        here = f"{where} › step {number}"
        check_keys(step, STEP_KEYS, here)
        sync(
            TurnStep,
            lookup={"turn": turn, "number": number},
            values={
                "kind": choice(step, "kind", TurnStep.Kind, here),
                "title": required(step, "title", here),
                "body_md": text(step, "body"),
                "points": step.get("points", 0),
                "min_words": step.get("min_words", 0),
            },
            tally=tally,
            where=here,
        )
    return turn


def load_account(account: DemoAccount, *, tally: Tally) -> None:
    """Create a demo login once; an existing account keeps its password and data.

    The only thing enforced on an existing account is that the author can still
    reach the admin, since that is what the demo author is for.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=account.email).first()
    if user is None:
        user_model.objects.create_user(
            email=account.email,
            password=DEMO_PASSWORD,
            display_name=account.display_name,
            is_staff=account.is_author,
            is_superuser=account.is_author,
        )
        tally["created"] += 1
    elif account.is_author and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        tally["updated"] += 1
    else:
        tally["unchanged"] += 1
