"""Checks on JSON request bodies that must happen before, or just after, parsing.

- `too_deep`: Python's `json` module parses nested arrays and objects by
  recursion, so a body nested ~1,000 deep raises RecursionError (a 500) in any
  view that parses it, ours or allauth's. `nesting_depth_exceeds` answers
  without recursing and without parsing: strings are skipped, then brackets are
  counted, stopping as soon as the limit is passed.
- `control_character_path`: a NUL byte or another control character in any
  string (keys included) is refused naming where it is (`answers.1.text`, list
  positions from 1 as the services name them). PostgreSQL cannot store NUL in
  text at all (a 500 otherwise), and no field of ours wants control characters
  other than tab, newline and carriage return.
"""

from __future__ import annotations

import re
from typing import Any

# The deepest nesting any body of ours or allauth's needs is 3; this leaves room.
MAX_DEPTH = 32
# C0 controls except \t \n \r, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def nesting_depth_exceeds(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when arrays/objects in the JSON text `raw` nest deeper than `limit`."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # the common case: too few brackets to be that deep
    depth = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def control_character_path(data: Any) -> str | None:
    """The dotted path of the first string (or key) holding a control character, or None.

    Walks with an explicit stack, so it does not recurse however deep `data` is.
    """
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                return path or "non_field_errors"
        elif isinstance(value, dict):
            for key, child in reversed(list(value.items())):
                child_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and CONTROL_CHARACTERS.search(key):
                    return child_path
                stack.append((child_path, child))
        elif isinstance(value, list):
            for position in range(len(value), 0, -1):
                stack.append((f"{path}.{position}" if path else str(position), value[position - 1]))
    return None
