"""The text layer of the content files: TOML headers, marked headings, Markdown bodies.

Pure functions, no models. A file is a TOML header between `+++` lines followed
by a Markdown body. In the body, a heading that ends in an attribute block with a
`.class` — `## Warm-up {#warm-up .warmup_prompt answer_count=3}` — starts a new part;
every other line (sub-headings included) belongs to the part above it.

Everything written here is deterministic (keys in a fixed order, one spelling per
value), so export → import → export gives the same bytes.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

FENCE = "+++"

# "## Heading text {#anchor .kind key=value key="a value"}"; the class is what makes it a marker.
MARKER = re.compile(r"^(#{1,2}) (.*?)[ \t]*\{([^{}\n]*)\}[ \t]*$")
HAS_CLASS = re.compile(r"(?:^|\s)\.[A-Za-z_]")
TOKEN = re.compile(r'\s*(?:#([\w-]+)|\.([A-Za-z_][\w-]*)|([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|[^\s"]+))')
BARE_VALUE = re.compile(r"^[^\s\"{}]+$")
BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class FormatError(ValueError):
    """A content file that cannot be read; the message names the file and the place."""


# --- TOML ----------------------------------------------------------------------------


def toml_string(value: str) -> str:
    # JSON's escapes are all valid in a TOML basic string; DEL must be escaped too.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime):
        return toml_datetime(value)
    raise TypeError(f"Cannot write {type(value).__name__} to a content file header.")


def toml_datetime(value: datetime) -> str:
    """A moment as a TOML offset date-time in UTC: `2026-12-01T09:00:00Z` (microseconds only when there are some)."""
    if value.tzinfo is None:
        raise TypeError("A naive datetime cannot be written to a content file: it names no moment.")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def toml_key(key: str) -> str:
    return key if BARE_KEY.match(key) else toml_string(key)


def _toml_table(lines: list[str], prefix: str, table: dict[str, Any], header: str | None) -> None:
    scalars = [(k, v) for k, v in table.items() if not isinstance(v, dict | list)]
    tables = [(k, v) for k, v in table.items() if isinstance(v, dict)]
    arrays = [(k, v) for k, v in table.items() if isinstance(v, list)]
    if header is not None:
        if lines:
            lines.append("")
        lines.append(header)
    lines.extend(f"{toml_key(k)} = {toml_scalar(v)}" for k, v in scalars)
    for key, sub in tables:
        name = f"{prefix}{toml_key(key)}"
        _toml_table(lines, f"{name}.", sub, f"[{name}]")
    for key, items in arrays:
        name = f"{prefix}{toml_key(key)}"
        for item in items:
            _toml_table(lines, f"{name}.", item, f"[[{name}]]")


def toml_dumps(table: dict[str, Any]) -> str:
    """A small, deterministic TOML writer: strings, ints, tables and arrays of tables, in the given order."""
    lines: list[str] = []
    _toml_table(lines, "", table, None)
    return "\n".join(lines) + "\n" if lines else ""


def toml_loads(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"{where}: the header is not valid TOML: {exc}") from exc


# --- Files with a header -------------------------------------------------------------


def split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    """(header table, Markdown body) of a file that starts with a `+++` header."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise FormatError(f"{where}: the file must start with a header between '+++' lines.")
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            header = toml_loads("\n".join(lines[1:index]), where)
            return header, "\n".join(lines[index + 1:])
    raise FormatError(f"{where}: the header opened by '+++' on line 1 is never closed.")


def join_front_matter(header: dict[str, Any], body: str) -> str:
    body = body.strip("\n")
    out = f"{FENCE}\n{toml_dumps(header)}{FENCE}\n"
    return f"{out}\n{body}\n" if body else out


def clean_body(text: str) -> str:
    """One spelling of a Markdown body: Unix newlines, no blank lines or trailing spaces at its ends.

    Leading spaces of the first line are kept (an indented code block means something).
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\A(?:[ \t]*\n)+", "", text).rstrip()


# --- Marked headings -----------------------------------------------------------------


@dataclass
class Marker:
    level: int
    text: str
    kind: str
    id: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    line: int = 0


def parse_marker(line: str, *, where: str, number: int) -> Marker | None:
    """The part a heading line starts, or None when the line is ordinary Markdown."""
    match = MARKER.match(line)
    if not match or not HAS_CLASS.search(match.group(3)):
        return None
    level, text, raw = len(match.group(1)), match.group(2).strip(), match.group(3)
    here = f"{where}, line {number}"
    marker = Marker(level=level, text=text, kind="", line=number)
    position = 0
    while position < len(raw.rstrip()):
        token = TOKEN.match(raw, position)
        if not token:
            raise FormatError(f"{here}: cannot read the attributes {{{raw}}} from '{raw[position:].strip()}'.")
        anchor, kind, key, value = token.groups()
        if anchor is not None:
            if marker.id:
                raise FormatError(f"{here}: two #anchors in one heading.")
            marker.id = anchor
        elif kind is not None:
            if marker.kind:
                raise FormatError(f"{here}: two .kinds ('.{marker.kind}', '.{kind}') in one heading.")
            marker.kind = kind
        else:
            if key in marker.attrs:
                raise FormatError(f"{here}: '{key}' is given twice.")
            marker.attrs[key] = json.loads(value) if value.startswith('"') else value
        position = token.end()
    return marker


def format_marker(level: int, text: str, *, kind: str, id: str = "", attrs: dict[str, Any] | None = None) -> str:
    tokens = []
    if id:
        tokens.append(f"#{id}")
    tokens.append(f".{kind}")
    for key, value in (attrs or {}).items():
        value = str(value)
        tokens.append(f"{key}={value}" if BARE_VALUE.match(value) else f"{key}={json.dumps(value, ensure_ascii=False)}")
    heading = "#" * level + (f" {text} " if text else " ")
    return heading + "{" + " ".join(tokens) + "}"


def check_body(body: str, where: str) -> None:
    """Refuse to write a body the reader would split: no line of it may look like a part's heading."""
    for line in body.split("\n"):
        if MARKER.match(line) and HAS_CLASS.search(MARKER.match(line).group(3)):
            raise FormatError(f"{where}: the line '{line}' would read back as a new part; change its ending '{{…}}'.")
    if body.startswith(FENCE):
        raise FormatError(f"{where}: a body cannot start with '+++'.")


def split_parts(body: str, where: str, *, header_lines: int) -> tuple[str, list[tuple[Marker, str]]]:
    """(text before the first marker, [(marker, its body)]) of a Markdown body."""
    lead: list[str] = []
    parts: list[tuple[Marker, list[str]]] = []
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            ticks = stripped[:3]
            fence = None if fence == ticks else (fence or ticks)
        marker = None if fence else parse_marker(line, where=where, number=header_lines + offset + 1)
        if marker is not None:
            parts.append((marker, []))
        elif parts:
            parts[-1][1].append(line)
        else:
            lead.append(line)
    return clean_body("\n".join(lead)), [(marker, clean_body("\n".join(lines))) for marker, lines in parts]


def check_keys(table: dict[str, Any], allowed: set[str] | tuple[str, ...], where: str) -> None:
    """Unknown keys are errors: a misspelt field is never silently dropped."""
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise FormatError(
            f"{where}: unknown key(s) {', '.join(unknown)}; expected some of {', '.join(sorted(allowed))}."
        )
