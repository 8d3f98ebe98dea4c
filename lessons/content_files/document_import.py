"""A guide written as an ordinary document (Markdown or Word) recognised as a lesson.

Authors write in documents, not in our file format. This reads the conventions
in docs/authoring.md — the first heading is the title, every `##` heading a
section, and sections titled like *FAQ*, *Quick Reference*, *Next Steps* and
*Your Turn* become those parts — and says what it recognised and what it could
not, so the author can fix the document and import it again. A `.docx` is first
turned into HTML by mammoth (which follows the document's heading and list
styles), then into Markdown here. No models: the result is a `LessonDoc`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.text import slugify

from .documents import CardDoc, FAQDoc, LessonDoc, SectionDoc, StepDoc, TurnDoc, format_lesson, parse_lesson
from .syntax import FENCE, MARKER, FormatError, clean_body

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Word's own Title and Subtitle styles, which mammoth leaves as plain paragraphs by default.
WORD_STYLES = "p[style-name='Title'] => h1.doc-title:fresh\np[style-name='Subtitle'] => p.doc-subtitle:fresh"
LINK_OPEN = "\0link"

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}
FAQ_TITLE = re.compile(r"^(faqs?|frequently asked questions|questions and answers|common questions)\b", re.I)
QUICK_REFERENCE_TITLE = re.compile(r"^(quick reference|quick ref|key terms|glossary|cheat ?sheet)\b", re.I)
NEXT_STEPS_TITLE = re.compile(r"^(next steps?|what'?s next|where next)\b", re.I)
TURN_TITLE = re.compile(r"^your turn\b[\s:–—-]*(.*)$", re.I)
WARMUP_TITLE = re.compile(r"^warm[\s-]?up\b", re.I)
HOW_TO_USE_TITLE = re.compile(r"^how to use\b", re.I)
RECALL_TITLE = re.compile(r"^(recall|look(ing)? back|your (warm[\s-]?up )?answers)\b", re.I)
OUTCOME_TITLE = re.compile(r"^(expected )?outcomes?\b|^what you'?ll (have|get)\b", re.I)
STEP_TITLE = re.compile(r"^step\s+(\d+)\s*[:.–—-]?\s*(.*)$", re.I)
POINTS_WORDS = re.compile(
    r"\(\s*(?:(\d+)\s*(?:depth\s+)?points?)?\s*[,;/]?\s*(?:(?:at least |min(?:imum)?\.?\s*)?(\d+)\s*words?)?\s*\)", re.I
)
MINUTES = re.compile(r"\(\s*(?:about|around|~)?\s*(\d+)\s*min(?:ute)?s?\s*\)", re.I)
FRAMEWORK_LINE = re.compile(r"^(?:skill )?framework\s*:\s*(.+?)\s*$", re.I)
ANSWERS_IN_TITLE = re.compile(r"\(\s*(\d+|" + "|".join(NUMBER_WORDS) + r")\s+answers?\s*\)", re.I)
ANSWERS_IN_BODY = re.compile(r"\b(?:write|name|list|note)\s+(?:down\s+)?(\d+|" + "|".join(NUMBER_WORDS) + r")\b", re.I)
CARD_LINES = (
    re.compile(r"^[-*+]\s+(?:\*\*|__)(.+?)(?:\*\*|__)\s*[:–—-]?\s*(.+)$"),
    re.compile(r"^[-*+]\s+([^:–—]{1,80}?)\s*[:–—]\s*(.+)$"),
)
BOLD_LINE = re.compile(r"^(?:\*\*|__)(.+?)(?:\*\*|__)$")
STEP_KINDS = (
    ("rate", re.compile(r"\brat(e|ing|ings)\b|\bscore\b|\bslider", re.I)),
    ("success", re.compile(r"definition of success|defin\w* (your )?success", re.I)),
    ("goals", re.compile(r"\bgoals?\b", re.I)),
    ("reflection", re.compile(r"\breflect|\bnotice|\bpattern|\bwrite\b|\bthink|\bdescribe|\bjournal|\bconsider", re.I)),
)


@dataclass
class Recognised:
    """A document read as a lesson: the lesson, what was recognised, what was not."""

    doc: LessonDoc
    recognised: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --- Word → Markdown -------------------------------------------------------------------


def docx_to_markdown(data: bytes) -> tuple[str, list[str]]:
    """Markdown of a Word document, and mammoth's warnings (unknown styles and the like)."""
    import mammoth  # imported here: only document imports need it

    try:
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=WORD_STYLES)
    except Exception as exc:  # a damaged or non-Word file: mammoth raises zipfile/KeyError/ValueError alike
        raise FormatError(f"This does not read as a Word (.docx) document: {exc}") from exc
    warnings = [message.message for message in result.messages if message.type == "warning"]
    html = result.value
    if '<h1 class="doc-title">' in html:
        # Word's Title style is the title, so its "Heading 1" is a section: one level down.
        html = re.sub(r"<(/?)h([1-5])(?=[ >])", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
        html = html.replace('<h2 class="doc-title">', "<h1>", 1)
        html = re.sub(r"</h2>", "</h1>", html, count=1)
    html = re.sub(r'<p class="doc-subtitle">(.*?)</p>', r"<p><em>\1</em></p>", html)
    return html_to_markdown(html), warnings


class _MarkdownWriter(HTMLParser):
    """Just enough HTML → Markdown for what mammoth writes: headings, paragraphs, emphasis, lists, links, tables."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.text: list[str] = []
        self.lists: list[list] = []  # [kind, counter]
        self.links: list[str] = []
        self.row: list[str] | None = None
        self.table_rows: list[list[str]] = []
        self.quote = 0

    def _flush(self, prefix: str = "") -> None:
        text = re.sub(r"[ \t]+", " ", "".join(self.text)).strip()
        self.text = []
        if text:
            self.blocks.append(prefix + text)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("strong", "b"):
            self.text.append("**")
        elif tag in ("em", "i"):
            self.text.append("*")
        elif tag == "br":
            self.text.append("  \n")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.text.append(LINK_OPEN)
        elif tag in ("ul", "ol"):
            if self.text:
                self._flush(self._item_prefix())
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            if self.text:
                self._flush(self._item_prefix())
            self.lists[-1][1] += 1
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "tr":
            self.row = []

    def _item_prefix(self) -> str:
        if not self.lists:
            return "> " * self.quote
        kind, counter = self.lists[-1]
        indent = "   " * (len(self.lists) - 1)
        return indent + (f"{counter}. " if kind == "ol" else "- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "b"):
            self._close_inline("**")
        elif tag in ("em", "i"):
            self._close_inline("*")
        elif tag == "a":
            href = self.links.pop() if self.links else ""
            opened = len(self.text) - 1 - self.text[::-1].index(LINK_OPEN) if LINK_OPEN in self.text else None
            if href.startswith(("http://", "https://", "mailto:")) and opened is not None:
                self.text[opened] = "["
                self.text.append(f"]({href})")
            elif opened is not None:
                del self.text[opened]  # an internal bookmark or an empty link: keep the words only
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush("#" * int(tag[1]) + " ")
        elif tag == "p" and self.row is None:
            self._flush(self._item_prefix() if self.lists else "> " * self.quote)
        elif tag == "li":
            self._flush(self._item_prefix())
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        elif tag in ("td", "th") and self.row is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.text)).strip().replace("|", "\\|"))
            self.text = []
        elif tag == "tr" and self.row is not None:
            self.table_rows.append(self.row)
            self.row = None
        elif tag == "table":
            self._table()

    def _close_inline(self, mark: str) -> None:
        if self.text and self.text[-1] == mark:  # "<strong></strong>" leaves no stray asterisks
            self.text.pop()
        elif self.text and self.text[-1].endswith(" ") and self.text[-1].strip():
            # "**bold **" is not bold in Markdown: the space goes after the closing mark.
            self.text[-1] = self.text[-1].rstrip()
            self.text.append(mark + " ")
        else:
            self.text.append(mark)

    def _table(self) -> None:
        rows, self.table_rows = self.table_rows, []
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        self.blocks.append("\n".join(lines))

    def handle_data(self, data: str) -> None:
        self.text.append(re.sub(r"([\\`*])", r"\\\1", data).replace("\n", " "))


def html_to_markdown(html: str) -> str:
    writer = _MarkdownWriter()
    writer.feed(html)
    writer.close()
    writer._flush()
    out: list[str] = []
    for block in writer.blocks:
        # List items sit together; everything else is a paragraph of its own.
        is_item = re.match(r"^\s*(?:-|\d+\.) ", block) is not None
        if out and not (is_item and re.match(r"^\s*(?:-|\d+\.) ", out[-1])):
            out.append("")
        out.append(block)
    return "\n".join(out) + "\n"


# --- Markdown → lesson ---------------------------------------------------------------------


@dataclass
class _Block:
    heading: str
    level: int
    lines: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return clean_body("\n".join(self.lines))


def _number(word: str) -> int | None:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def _plain(title: str) -> str:
    """A heading without emphasis marks or a trailing colon, for matching and for storing."""
    title = re.sub(r"(\*\*|__|\*|_)(.+?)\1", r"\2", title)
    return re.sub(r"\\(.)", r"\1", title).strip().rstrip(":").strip()


def recognise(text: str, *, fallback_title: str = "") -> Recognised:
    """Read a Markdown guide as a lesson (a file in our own format is read as it is)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if text.startswith(FENCE):
        doc = parse_lesson(text, "the document")
        return Recognised(doc=doc, recognised=["A lesson file in the content format: read as it is."])

    lines = text.split("\n")
    headings: list[tuple[int, int, str]] = []
    fence = None
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            fence = None if fence == stripped[:3] else (fence or stripped[:3])
            continue
        match = None if fence else HEADING.match(line)
        if match:
            headings.append((index, len(match.group(1)), match.group(2)))

    result = Recognised(doc=LessonDoc(slug="", number=0, title=""))
    doc = result.doc
    # The title is the first top-level heading; sections are the level below it (## in a
    # usual document), or the same level when the document has several top-level headings.
    title_at = None
    if headings and headings[0][1] == 1:
        title_at = headings[0][0]
        doc.title = _plain(headings[0][2])
        rest = headings[1:]
    else:
        doc.title = fallback_title
        rest = headings
        result.problems.append("No title heading (# Title) at the top: the lesson is titled after the file, "
                               f"“{fallback_title}”.")
    section_level = min((h[1] for h in rest), default=2)
    if section_level == 1:
        result.problems.append("Sections were written as top-level headings (# or Heading 1): read as sections.")
    result.recognised.append(f"Title: “{doc.title}”")

    # Text between the title and the first section: subtitle (an italic line) and summary.
    first_section = next((i for i, level, _t in rest if level == section_level), len(lines))
    lead_start = (title_at + 1) if title_at is not None else 0
    _lead(lines[lead_start:first_section], result)

    blocks: list[_Block] = []
    for index, line in enumerate(lines[first_section:], start=first_section):
        heading = next((h for h in rest if h[0] == index and h[1] == section_level), None)
        if heading is not None:
            blocks.append(_Block(heading=heading[2], level=section_level))
            continue
        match = HEADING.match(line)
        if blocks and match and any(h[0] == index for h in rest):
            # A sub-heading stays inside its section, one level below the section's "##".
            depth = min(len(match.group(1)) - section_level + 2, 6)
            line = "#" * depth + " " + match.group(2)
        if blocks:
            blocks[-1].lines.append(line)

    for block in blocks:
        _section(block, result)
    _finish(result)
    return result


def _lead(lines: list[str], result: Recognised) -> None:
    paragraphs = [p.strip() for p in "\n".join(lines).split("\n\n") if p.strip()]
    doc = result.doc
    if paragraphs and re.fullmatch(r"(\*|_)[^*_].*(\*|_)", paragraphs[0]) and "\n" not in paragraphs[0]:
        doc.subtitle = _plain(paragraphs.pop(0))
        result.recognised.append(f"Subtitle: “{doc.subtitle}”")
    if paragraphs and len(paragraphs[0]) <= 300 and "\n" not in paragraphs[0]:
        doc.summary = _plain(paragraphs.pop(0))
        result.recognised.append("Summary: the paragraph under the title")
    if paragraphs:
        doc.sections.append(SectionDoc(kind="prose", heading="", anchor="introduction", body="\n\n".join(paragraphs)))
        result.problems.append("Text between the title and the first section heading was kept as an untitled "
                               "first section; give it a heading if it is a section.")


def _anchor(doc: LessonDoc, heading: str) -> str:
    base = slugify(heading)[:70] or f"section-{len(doc.sections) + 1}"
    taken = {s.anchor for s in doc.sections}
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    return anchor


def _section(block: _Block, result: Recognised) -> None:
    doc = result.doc
    title = _plain(block.heading)
    if FAQ_TITLE.match(title):
        _faqs(block, result)
    elif QUICK_REFERENCE_TITLE.match(title):
        _cards(block, result)
    elif NEXT_STEPS_TITLE.match(title):
        if doc.next_steps:
            result.problems.append(f"A second “{title}” section was added to the next steps.")
        doc.next_steps = "\n\n".join(filter(None, [doc.next_steps, block.body]))
        result.recognised.append("Next steps")
    elif TURN_TITLE.match(title):
        _turn(block, TURN_TITLE.match(title).group(1), result)
    else:
        section = SectionDoc(kind="prose", heading=title, anchor="", body=block.body)
        if WARMUP_TITLE.match(title):
            section.kind = "warmup_prompt"
            count_match = ANSWERS_IN_TITLE.search(title) or ANSWERS_IN_BODY.search(block.body)
            count = _number(count_match.group(1)) if count_match else None
            if ANSWERS_IN_TITLE.search(title):
                section.heading = ANSWERS_IN_TITLE.sub("", title).strip()
            if count is None or not 1 <= count <= 10:
                count = 3
                result.problems.append(f"Warm-up “{title}”: how many answers it asks for is not stated "
                                       "(write “(3 answers)” in its heading); 3 assumed.")
            section.answer_count = count
            if re.search(r"\bskills?\b", title + " " + block.body, re.I):
                section.answer_label = "Skill"
            result.recognised.append(f"Warm-up prompt “{section.heading}” asking for {count} answers")
        elif RECALL_TITLE.match(title):
            warmups = [s for s in doc.sections if s.kind == "warmup_prompt"]
            if warmups:
                section.kind, section.recall_of = "recall", warmups[-1].anchor
                result.recognised.append(f"Recall section “{title}” showing the answers to “{warmups[-1].heading}”")
            else:
                result.problems.append(f"“{title}” looks like a recall of warm-up answers, but no warm-up comes "
                                       "before it: kept as an ordinary section.")
        elif HOW_TO_USE_TITLE.match(title):
            section.kind = "callout"
            result.recognised.append(f"Callout “{title}”")
        else:
            result.recognised.append(f"Section “{title}”")
        if not section.body and section.kind not in ("recall",):
            result.problems.append(f"Section “{title}” has no text.")
        section.anchor = _anchor(doc, section.heading)
        doc.sections.append(section)


def _sub_blocks(body: str, starts) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Split a section's body where `starts(line)` names a new item (a question, a step)."""
    lead: list[str] = []
    items: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        name = starts(line)
        if name is not None:
            items.append((name, []))
        elif items:
            items[-1][1].append(line)
        else:
            lead.append(line)
    return lead, items


def _question(line: str) -> str | None:
    match = HEADING.match(line)
    if match:
        return _plain(match.group(2))
    bold = BOLD_LINE.match(line.strip())
    if bold and bold.group(1).strip().endswith("?"):
        return _plain(bold.group(1))
    if re.match(r"^(?:Q|Question)\s*[:.]\s*\S", line.strip()):
        return _plain(re.sub(r"^(?:Q|Question)\s*[:.]\s*", "", line.strip()))
    return None


def _faqs(block: _Block, result: Recognised) -> None:
    lead, items = _sub_blocks(block.body, _question)
    lead_text = clean_body("\n".join(lead))
    if lead_text:
        result.problems.append(f"FAQ: an answer with no question before it was left out: “{_excerpt(lead_text)}”. "
                               "Write each question as a sub-heading or a bold line ending in “?”.")
    for question, lines in items:
        answer = clean_body("\n".join(re.sub(r"^(?:A|Answer)\s*[:.]\s*", "", line) for line in lines))
        if not answer:
            result.problems.append(f"FAQ: the question “{question}” has no answer and was left out.")
            continue
        result.doc.faqs.append(FAQDoc(question=question, answer=answer))
    result.recognised.append(f"FAQs: {_count(len(result.doc.faqs), 'question')}")


def _cards(block: _Block, result: Recognised) -> None:
    term = None
    for line in block.body.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        heading = HEADING.match(stripped)
        if heading:
            term = _plain(heading.group(2))
            continue
        if term is not None and not stripped.startswith(("-", "*", "+")):
            result.doc.cards.append(CardDoc(term=term, summary=_plain(stripped)))
            term = None
            continue
        for pattern in CARD_LINES:
            match = pattern.match(stripped)
            if match:
                result.doc.cards.append(CardDoc(term=_plain(match.group(1)), summary=_plain(match.group(2))))
                break
        else:
            result.problems.append(f"Quick reference: “{_excerpt(stripped)}” is not a “- Term: one-line summary” "
                                   "line and was left out.")
    result.recognised.append(f"Quick reference: {_count(len(result.doc.cards), 'card')}")


def _step(line: str) -> str | None:
    text = line.strip()
    heading = HEADING.match(text)
    bold = BOLD_LINE.match(text)
    candidate = _plain(heading.group(2)) if heading else (_plain(bold.group(1)) if bold else _plain(text))
    if STEP_TITLE.match(candidate) and (heading or bold or re.match(r"^step\s+\d+\s*:", text, re.I)):
        return candidate
    if heading and OUTCOME_TITLE.match(candidate):
        return "\0outcome"
    return None


def _turn(block: _Block, title: str, result: Recognised) -> None:
    doc = result.doc
    if doc.turn is not None:
        result.problems.append("A second “Your Turn” section was read as an ordinary section.")
        doc.sections.append(SectionDoc(kind="prose", heading=_plain(block.heading), anchor=_anchor(doc, block.heading),
                                       body=block.body))
        return
    minutes = MINUTES.search(title)
    title = MINUTES.sub("", title).strip(" :–—-") or "Your Turn"
    turn = doc.turn = TurnDoc(title=title)
    if minutes:
        turn.estimated_minutes = int(minutes.group(1))
    lead, items = _sub_blocks(block.body, _step)
    intro = []
    for line in lead:
        framework = FRAMEWORK_LINE.match(_plain(line)) if line.strip() else None
        if framework:
            turn.framework = framework.group(1).strip()
        else:
            intro.append(line)
    turn.intro = clean_body("\n".join(intro))
    for name, lines in items:
        body = clean_body("\n".join(lines))
        if name == "\0outcome":
            turn.expected_outcome = body
            result.recognised.append("Your Turn: expected outcome")
            continue
        match = STEP_TITLE.match(name)
        number, step_title = int(match.group(1)), match.group(2).strip()
        points = words = 0
        amounts = POINTS_WORDS.search(step_title)
        if amounts and (amounts.group(1) or amounts.group(2)):
            points, words = int(amounts.group(1) or 0), int(amounts.group(2) or 0)
            step_title = POINTS_WORDS.sub("", step_title).strip()
        step_title = step_title.strip(" :–—-") or f"Step {number}"
        kind = next((k for k, pattern in STEP_KINDS if pattern.search(step_title)), None)
        kind = kind or next((k for k, pattern in STEP_KINDS if pattern.search(body)), None)
        if kind is None:
            kind = "reflection"
            result.problems.append(f"Your Turn, step {number} “{step_title}”: its kind (rate, reflection, goals or "
                                   "success) is not recognisable from its words; imported as a reflection.")
        if kind == "rate" and (points or words):
            result.problems.append(f"Your Turn, step {number}: a rating step earns no points; "
                                   "its points and words were left out.")
            points = words = 0
        if any(s.number == number for s in turn.steps):
            result.problems.append(f"Your Turn: step {number} appears twice; the second was numbered after the others.")
            number = max(s.number for s in turn.steps) + 1
        turn.steps.append(StepDoc(number=number, key=f"{kind}-{number}", kind=kind, title=step_title, body=body,
                                  points=points, min_words=words))
        detail = f", {points} points for {words}+ words" if points else ""
        result.recognised.append(f"Your Turn, step {number}: “{step_title}” ({kind}{detail})")
    result.recognised.insert(len(result.recognised) - len(turn.steps) - (1 if turn.expected_outcome else 0),
                             f"Your Turn “{turn.title}” with {_count(len(turn.steps), 'step')}")
    if not turn.steps:
        result.problems.append("Your Turn: no steps found; write them as “### Step 1: Title (15 points, 40 words)”.")


def _defuse(text: str, where: str, result: Recognised) -> str:
    """A line ending in "{…}" would read back as a part of the lesson file: write its brace as an entity."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if MARKER.match(line):
            cut = line.rindex("{")
            lines[index] = line[:cut] + "&#123;" + line[cut + 1:]
            result.problems.append(f"{where}: the line “{line}” ends in {{…}}, which lesson files reserve for "
                                   "their parts; its brace was kept as a character.")
    return "\n".join(lines)


def _finish(result: Recognised) -> None:
    doc = result.doc
    for section in doc.sections:
        section.body = _defuse(section.body, f"Section “{section.heading}”", result)
    for faq in doc.faqs:
        faq.answer = _defuse(faq.answer, f"FAQ “{faq.question}”", result)
    doc.next_steps = _defuse(doc.next_steps, "Next steps", result)
    if doc.turn is not None:
        doc.turn.intro = _defuse(doc.turn.intro, "Your Turn", result)
        doc.turn.expected_outcome = _defuse(doc.turn.expected_outcome, "Expected outcome", result)
        for step in doc.turn.steps:
            step.body = _defuse(step.body, f"Step {step.number}", result)
    if not doc.sections:
        result.problems.append("No sections (## headings) found.")
    for part, present in (("FAQ", doc.faqs), ("Quick Reference", doc.cards), ("Next Steps", doc.next_steps),
                          ("Your Turn", doc.turn)):
        if not present:
            result.problems.append(f"No “{part}” section found.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_writable(doc: LessonDoc) -> None:
    """Raise FormatError if the lesson could not be written back as a content file."""
    format_lesson(doc)
