"""Comparing two versions of a lesson file: a unified diff, and a one-line "what changed"."""

from __future__ import annotations

import difflib

from .syntax import FENCE, FormatError, parse_marker


def unified_diff(old: str, new: str, *, old_label: str, new_label: str) -> str:
    """A readable unified diff of two lesson files ('' when they are the same)."""
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=old_label, tofile=new_label, n=2,
    ))


def _blocks(text: str) -> dict[str, str]:
    """The file's parts by a readable name: 'the header', then one per marked heading."""
    blocks: dict[str, list[str]] = {}
    name = ""
    in_header = False
    for number, line in enumerate(text.split("\n"), start=1):
        if number == 1 and line.strip() == FENCE:
            in_header, name = True, "the header"
            blocks[name] = []
            continue
        if in_header:
            if line.strip() == FENCE:
                in_header = False
            else:
                blocks[name].append(line)
            continue
        try:
            marker = parse_marker(line, where="", number=number)
        except FormatError:
            marker = None
        if marker is not None:
            base = f"“{marker.text or marker.id or marker.kind}”"
            name, suffix = base, 2
            while name in blocks:  # two FAQs with one question: keep both
                name, suffix = f"{base} ({suffix})", suffix + 1
            blocks[name] = []
        blocks.setdefault(name, []).append(line)
    return {key: "\n".join(lines).strip() for key, lines in blocks.items()}


def describe_changes(old: str, new: str) -> str:
    """'changed “Warm-up”; added “Step 3”; removed …' — which parts of the file differ."""
    if not old:
        return "first revision"
    before, after = _blocks(old), _blocks(new)
    changed = [name for name in after if name in before and before[name] != after[name]]
    added = [name for name in after if name not in before]
    removed = [name for name in before if name not in after]
    words = []
    for label, names in (("changed", changed), ("added", added), ("removed", removed)):
        if names:
            words.append(f"{label} {', '.join(names)}")
    return "; ".join(words) or "no change to the content"
