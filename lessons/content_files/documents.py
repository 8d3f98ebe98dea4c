"""Content files as plain data: what a track, lesson or framework file says, read and written.

No models here (they are read and written by `lessons.content_files.sync` and
`assessments.content_files`): this module knows the format, including the Your
Turn's syntax, and nothing about the database. See docs/authoring.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .syntax import (
    FormatError,
    check_body,
    check_keys,
    clean_body,
    format_marker,
    join_front_matter,
    split_front_matter,
    split_parts,
    toml_dumps,
    toml_loads,
)

CARD_LINE = re.compile(r"^- \*\*(.+?)\*\*:[ \t]*(.*)$")

# The parts of a lesson file, as H1 markers, in the order they are written.
TURN, FAQS, QUICK_REFERENCE, NEXT_STEPS = "turn", "faqs", "quick_reference", "next_steps"
PART_TITLES = {FAQS: "Frequently asked questions", QUICK_REFERENCE: "Quick reference", NEXT_STEPS: "Next steps"}
OUTCOME, FAQ = "outcome", "faq"

LESSON_KEYS = {"slug", "number", "position", "title", "subtitle", "summary", "estimated_minutes", "status", "publish_at",
               "turn"}
TURN_KEYS = {"framework", "estimated_minutes", "completion_message"}
SECTION_ATTRS = {"answer_count", "answer_label", "recall_of", "audio", "description", "image", "alt"}
# Media sections name their file (a path from the content folder's root) and the text that stands in for it.
MEDIA_ATTRS = {"audio": ("audio", "description"), "image": ("image", "alt")}
STEP_ATTRS = {"number", "points", "min_words"}
TRACK_KEYS = {"slug", "title", "kind", "unlock_threshold", "position", "summary", "module"}
MODULE_KEYS = {"slug", "title", "summary"}
FRAMEWORK_KEYS = {"slug", "name", "description", "position", "category"}
CATEGORY_KEYS = {"slug", "name", "description", "cluster", "keywords", "levels"}


@dataclass
class SectionDoc:
    kind: str
    heading: str
    anchor: str
    body: str = ""
    answer_count: int = 3
    answer_label: str = ""
    recall_of: str = ""
    media: str = ""  # audio and image sections: e.g. "media/<lesson-slug>/<anchor>.wav"
    description: str = ""  # audio: what is heard
    alt: str = ""  # image: what it shows


@dataclass
class FAQDoc:
    question: str
    answer: str


@dataclass
class CardDoc:
    term: str
    summary: str


@dataclass
class StepDoc:
    number: int
    key: str
    kind: str
    title: str
    body: str = ""
    points: int = 0
    min_words: int = 0


@dataclass
class TurnDoc:
    title: str
    intro: str = ""
    framework: str = ""
    estimated_minutes: int = 20
    expected_outcome: str = ""
    completion_message: str = ""
    steps: list[StepDoc] = field(default_factory=list)


@dataclass
class LessonDoc:
    slug: str
    number: int
    title: str
    position: int | None = None  # None: the lesson's number
    subtitle: str = ""
    summary: str = ""
    estimated_minutes: int = 15
    status: str = "draft"
    publish_at: datetime | None = None
    sections: list[SectionDoc] = field(default_factory=list)
    faqs: list[FAQDoc] = field(default_factory=list)
    cards: list[CardDoc] = field(default_factory=list)
    next_steps: str = ""
    turn: TurnDoc | None = None
    where: str = ""


@dataclass
class ModuleDoc:
    slug: str
    title: str
    summary: str = ""


@dataclass
class TrackDoc:
    slug: str
    title: str
    kind: str = "core"
    unlock_threshold: int = 0
    position: int = 0
    summary: str = ""
    description: str = ""
    modules: list[ModuleDoc] = field(default_factory=list)
    where: str = ""


@dataclass
class CategoryDoc:
    slug: str
    name: str
    description: str = ""
    cluster: str = ""
    keywords: str = ""
    levels: dict[str, str] = field(default_factory=dict)


@dataclass
class FrameworkDoc:
    slug: str
    name: str
    description: str = ""
    position: int = 0
    categories: list[CategoryDoc] = field(default_factory=list)
    where: str = ""


# --- Reading helpers -----------------------------------------------------------------


def required(table: dict[str, Any], key: str, where: str, kind: type = str) -> Any:
    if key not in table:
        raise FormatError(f"{where}: missing '{key}'.")
    return typed(table, key, where, kind)


def typed(table: dict[str, Any], key: str, where: str, kind: type = str, default: Any = None) -> Any:
    if key not in table:
        return default
    value = table[key]
    if kind is int and isinstance(value, str) and value.isdigit():
        value = int(value)  # attribute values in headings are text
    if isinstance(value, bool) or not isinstance(value, kind):
        raise FormatError(f"{where}: '{key}' must be {'a whole number' if kind is int else 'text'}, not {value!r}.")
    return value.strip() if isinstance(value, str) else value


def _line(value: str) -> str:
    """A one-line field (a heading, a title): newlines would break the file's structure."""
    return " ".join(value.split())


# --- Lessons -------------------------------------------------------------------------


def parse_lesson(text: str, where: str) -> LessonDoc:
    header, body = split_front_matter(text, where)
    check_keys(header, LESSON_KEYS, f"{where} › header")
    doc = LessonDoc(
        slug=required(header, "slug", where),
        number=required(header, "number", where, int),
        title=required(header, "title", where),
        position=typed(header, "position", where, int),
        subtitle=typed(header, "subtitle", where, default=""),
        summary=typed(header, "summary", where, default=""),
        estimated_minutes=typed(header, "estimated_minutes", where, int, 15),
        status=typed(header, "status", where, default="draft"),
        publish_at=_moment(header, "publish_at", where),
        where=where,
    )
    turn_header = header.get("turn")
    if turn_header is not None and not isinstance(turn_header, dict):
        raise FormatError(f"{where} › header: 'turn' must be a [turn] table.")
    if turn_header is not None:
        check_keys(turn_header, TURN_KEYS, f"{where} › [turn]")

    header_lines = text.count("\n") - body.count("\n")
    lead, parts = split_parts(body, where, header_lines=header_lines)
    if lead:
        raise FormatError(f"{where}: text before the first section heading; start each section with "
                          f"'## Heading {{#anchor .prose}}'.")
    scope = "guide"
    seen: set[str] = set()
    for marker, part_body in parts:
        here = f"{where}, line {marker.line}"
        if marker.level == 1:
            if marker.kind not in (TURN, FAQS, QUICK_REFERENCE, NEXT_STEPS):
                raise FormatError(f"{here}: unknown part '.{marker.kind}'; expected .turn, .faqs, .quick_reference or .next_steps.")
            if marker.kind in seen:
                raise FormatError(f"{here}: '.{marker.kind}' appears twice.")
            if marker.id or marker.attrs:
                raise FormatError(f"{here}: '.{marker.kind}' takes no #anchor or attributes.")
            seen.add(marker.kind)
            scope = marker.kind
            if scope == TURN:
                table = turn_header or {}
                doc.turn = TurnDoc(
                    title=marker.text,
                    intro=part_body,
                    framework=typed(table, "framework", f"{where} › [turn]", default=""),
                    estimated_minutes=typed(table, "estimated_minutes", f"{where} › [turn]", int, 20),
                    completion_message=typed(table, "completion_message", f"{where} › [turn]", default=""),
                )
            elif scope == QUICK_REFERENCE:
                doc.cards = _parse_cards(part_body, here)
            elif scope == NEXT_STEPS:
                doc.next_steps = part_body
            elif part_body:
                raise FormatError(f"{here}: write each question as '## Question? {{.faq}}' with its answer below.")
            continue
        if scope == "guide":
            check_keys(marker.attrs, SECTION_ATTRS, f"{here} › section '{marker.text}'")
            _check_media_attrs(marker.kind, marker.attrs, f"{here} › section '{marker.text}'")
            doc.sections.append(SectionDoc(
                kind=marker.kind,
                heading=marker.text,
                anchor=marker.id,
                body=part_body,
                answer_count=typed(marker.attrs, "answer_count", here, int, 3),
                answer_label=typed(marker.attrs, "answer_label", here, default=""),
                recall_of=typed(marker.attrs, "recall_of", here, default=""),
                media=typed(marker.attrs, "audio", here, default="") or typed(marker.attrs, "image", here, default=""),
                description=typed(marker.attrs, "description", here, default=""),
                alt=typed(marker.attrs, "alt", here, default=""),
            ))
        elif scope == TURN and marker.kind == OUTCOME:
            check_keys(marker.attrs, set(), f"{here} › expected outcome")
            doc.turn.expected_outcome = part_body
        elif scope == TURN:
            check_keys(marker.attrs, STEP_ATTRS, f"{here} › step '{marker.text}'")
            doc.turn.steps.append(StepDoc(
                number=required(marker.attrs, "number", f"{here} › step '{marker.text}'", int),
                key=marker.id,
                kind=marker.kind,
                title=marker.text,
                body=part_body,
                points=typed(marker.attrs, "points", here, int, 0),
                min_words=typed(marker.attrs, "min_words", here, int, 0),
            ))
        elif scope == FAQS and marker.kind == FAQ:
            check_keys(marker.attrs, set(), f"{here} › FAQ")
            doc.faqs.append(FAQDoc(question=marker.text, answer=part_body))
        else:
            raise FormatError(f"{here}: '## … {{.{marker.kind}}}' does not belong under '# … {{.{scope}}}'.")
    if turn_header is not None and doc.turn is None:
        raise FormatError(f"{where}: the header has a [turn] table but the body has no '# Title {{.turn}}' part.")
    return doc


def _moment(table: dict[str, Any], key: str, where: str) -> datetime | None:
    """A TOML offset date-time (`2026-12-01T09:00:00Z`); a time with no offset names no moment."""
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise FormatError(f"{where}: '{key}' must be a date and time with its offset, e.g. "
                          f"{key} = 2026-12-01T09:00:00Z (Z is UTC), not {value!r}.")
    return value


def _check_media_attrs(kind: str, attrs: dict[str, str], where: str) -> None:
    """`audio=`/`description=` belong to .audio sections and `image=`/`alt=` to .image ones; the file is required."""
    own = MEDIA_ATTRS.get(kind, ())
    for media_kind, names in MEDIA_ATTRS.items():
        for name in names:
            if name in attrs and name not in own:
                raise FormatError(f"{where}: '{name}=' belongs to .{media_kind} sections, not .{kind}.")
    if own and not attrs.get(own[0], "").strip():
        raise FormatError(f"{where}: a .{kind} section names its file: {own[0]}=media/<lesson-slug>/<name>.")


def _parse_cards(body: str, where: str) -> list[CardDoc]:
    cards = []
    for line in body.split("\n"):
        if not line.strip():
            continue
        match = CARD_LINE.match(line)
        if not match:
            raise FormatError(f"{where}: quick reference lines look like '- **Term**: one-line summary', not '{line}'.")
        cards.append(CardDoc(term=match.group(1).strip(), summary=match.group(2).strip()))
    return cards


def format_lesson(doc: LessonDoc) -> str:
    where = doc.where or f"lesson '{doc.slug}'"
    header: dict[str, Any] = {"slug": doc.slug, "number": doc.number}
    if doc.position is not None and doc.position != doc.number:
        header["position"] = doc.position
    header.update(title=_line(doc.title), subtitle=_line(doc.subtitle), summary=_line(doc.summary),
                  estimated_minutes=doc.estimated_minutes, status=doc.status)
    if doc.publish_at is not None:
        header["publish_at"] = doc.publish_at
    blocks: list[str] = []

    def block(marker: str, body: str, here: str) -> None:
        body = clean_body(body)
        check_body(body, here)
        blocks.append(f"{marker}\n\n{body}" if body else marker)

    for section in doc.sections:
        attrs: dict[str, Any] = {}
        if section.kind == "warmup_prompt":
            attrs["answer_count"] = section.answer_count
        if section.answer_label:
            attrs["answer_label"] = section.answer_label
        if section.recall_of:
            attrs["recall_of"] = section.recall_of
        if section.kind in MEDIA_ATTRS:
            file_attr, text_attr = MEDIA_ATTRS[section.kind]
            attrs[file_attr] = section.media
            # One line in the heading: a newline in the text is written as \n inside the quotes.
            attrs[text_attr] = section.description if section.kind == "audio" else section.alt
        block(format_marker(2, _line(section.heading), kind=section.kind, id=section.anchor, attrs=attrs), section.body,
              f"{where} › section '{section.anchor}'")
    if doc.turn is not None:
        turn = doc.turn
        table: dict[str, Any] = {}
        if turn.framework:
            table["framework"] = turn.framework
        table["estimated_minutes"] = turn.estimated_minutes
        if turn.completion_message:
            table["completion_message"] = _line(turn.completion_message)
        header["turn"] = table
        block(format_marker(1, _line(turn.title), kind=TURN), turn.intro, f"{where} › Your Turn")
        for step in turn.steps:
            attrs = {"number": step.number}
            if step.points:
                attrs["points"] = step.points
            if step.min_words:
                attrs["min_words"] = step.min_words
            block(format_marker(2, _line(step.title), kind=step.kind, id=step.key, attrs=attrs), step.body,
                  f"{where} › step '{step.key}'")
        if clean_body(turn.expected_outcome):
            block(format_marker(2, "Expected outcome", kind=OUTCOME), turn.expected_outcome, f"{where} › expected outcome")
    if doc.faqs:
        block(format_marker(1, PART_TITLES[FAQS], kind=FAQS), "", where)
        for index, faq in enumerate(doc.faqs, start=1):
            block(format_marker(2, _line(faq.question), kind=FAQ), faq.answer, f"{where} › FAQ {index}")
    if doc.cards:
        lines = []
        for card in doc.cards:
            term, summary = _line(card.term), _line(card.summary)
            if "**" in term or not term:
                raise FormatError(f"{where} › quick reference: the term '{term}' cannot be written (empty or holds '**').")
            lines.append(f"- **{term}**: {summary}".rstrip())
        block(format_marker(1, PART_TITLES[QUICK_REFERENCE], kind=QUICK_REFERENCE), "\n".join(lines), where)
    if clean_body(doc.next_steps):
        block(format_marker(1, PART_TITLES[NEXT_STEPS], kind=NEXT_STEPS), doc.next_steps, f"{where} › next steps")
    return join_front_matter(header, "\n\n".join(blocks))


# --- Tracks and modules --------------------------------------------------------------


def parse_track(text: str, where: str) -> TrackDoc:
    header, body = split_front_matter(text, where)
    check_keys(header, TRACK_KEYS, f"{where} › header")
    doc = TrackDoc(
        slug=required(header, "slug", where),
        title=required(header, "title", where),
        kind=typed(header, "kind", where, default="core"),
        unlock_threshold=typed(header, "unlock_threshold", where, int, 0),
        position=typed(header, "position", where, int, 0),
        summary=typed(header, "summary", where, default=""),
        description=clean_body(body),
        where=where,
    )
    modules = header.get("module", [])
    if not isinstance(modules, list):
        raise FormatError(f"{where}: modules are written as [[module]] tables.")
    for index, table in enumerate(modules, start=1):
        here = f"{where} › module {index}"
        check_keys(table, MODULE_KEYS, here)
        doc.modules.append(ModuleDoc(
            slug=required(table, "slug", here), title=required(table, "title", here),
            summary=typed(table, "summary", here, default=""),
        ))
    return doc


def format_track(doc: TrackDoc) -> str:
    header: dict[str, Any] = {
        "slug": doc.slug, "title": _line(doc.title), "kind": doc.kind, "unlock_threshold": doc.unlock_threshold,
        "position": doc.position, "summary": _line(doc.summary),
        "module": [{"slug": m.slug, "title": _line(m.title), "summary": _line(m.summary)} for m in doc.modules],
    }
    body = clean_body(doc.description)
    check_body(body, doc.where or f"track '{doc.slug}'")
    return join_front_matter(header, body)


# --- Skill frameworks (no prose: plain TOML) -----------------------------------------


def parse_framework(text: str, where: str) -> FrameworkDoc:
    table = toml_loads(text, where)
    check_keys(table, FRAMEWORK_KEYS, where)
    doc = FrameworkDoc(
        slug=required(table, "slug", where), name=required(table, "name", where),
        description=typed(table, "description", where, default=""),
        position=typed(table, "position", where, int, 0), where=where,
    )
    for index, category in enumerate(table.get("category", []), start=1):
        here = f"{where} › category {index}"
        check_keys(category, CATEGORY_KEYS, here)
        levels = category.get("levels", {})
        if not isinstance(levels, dict) or not all(isinstance(v, str) for v in levels.values()):
            raise FormatError(f"{here}: 'levels' is a table of rating = \"what it means\".")
        doc.categories.append(CategoryDoc(
            slug=required(category, "slug", here), name=required(category, "name", here),
            description=typed(category, "description", here, default=""),
            cluster=typed(category, "cluster", here, default=""),
            keywords=typed(category, "keywords", here, default=""),
            levels={str(k): v.strip() for k, v in levels.items()},
        ))
    return doc


def _level_order(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (10**6, key)


def format_framework(doc: FrameworkDoc) -> str:
    categories = []
    for category in doc.categories:
        table: dict[str, Any] = {"slug": category.slug, "name": _line(category.name),
                                 "description": _line(category.description)}
        if category.cluster:
            table["cluster"] = category.cluster
        table["keywords"] = _line(category.keywords)
        if category.levels:
            table["levels"] = {k: _line(str(category.levels[k])) for k in sorted(category.levels, key=_level_order)}
        categories.append(table)
    return toml_dumps({
        "slug": doc.slug, "name": _line(doc.name), "description": _line(doc.description), "position": doc.position,
        "category": categories,
    })
