"""A guide written as a Markdown or Word document imports as a draft lesson, saying what it could not recognise."""

import io
import re
from io import StringIO
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.content_files import import_content
from lessons.content_files.sync import lesson_text
from lessons.models import Lesson, LessonRevision, Module
from lessons.services import lesson_import_document, lessons_publish

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "reading-the-room.md"
DEMO = ROOT / "assessments" / "demo" / "content"
INTO = "studio-culture/working-in-the-room"


@pytest.fixture
def module(db) -> Module:
    import_content(DEMO)
    return Module.objects.get(track__slug="studio-culture", slug="working-in-the-room")


def markdown_to_docx(text: str, *, title_style: bool = False) -> bytes:
    """The same guide as a Word document, with Word's own heading, list and emphasis styles.

    With `title_style` the title uses Word's Title style and sections "Heading 1", as many authors write.
    """
    document = docx.Document()
    for block in re.split(r"\n\s*\n", text.strip()):
        for line in block.split("\n") if block.startswith("- ") else [" ".join(block.split("\n"))]:
            heading = re.match(r"^(#{1,6}) (.*)$", line)
            if heading:
                document.add_heading(heading.group(2), level=len(heading.group(1)) - (1 if title_style else 0))
                continue
            paragraph = document.add_paragraph(style="List Bullet" if line.startswith("- ") else None)
            line = line.removeprefix("- ")
            for bold, italic, plain in re.findall(r"\*\*(.+?)\*\*|\*(.+?)\*|([^*]+)", line):
                run = paragraph.add_run(bold or italic or plain)
                run.bold, run.italic = bool(bold) or None, bool(italic) or None
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def unwrapped(text: str) -> str:
    return re.sub(r"(?<=[^\n])\n(?=[^\n#+-])", " ", text)


def import_example(module, data: bytes | None = None, filename: str = "reading-the-room.md", **options):
    return lesson_import_document(data=data if data is not None else EXAMPLE.read_bytes(), filename=filename,
                                  module=module, **options)


def assert_is_the_example_lesson(lesson: Lesson) -> None:
    assert lesson.title == "Reading the Room"
    assert lesson.subtitle == "A Soft Synced Companion Guide"
    assert lesson.summary.startswith("Noticing how the people in a session feel")
    assert lesson.status == Lesson.Status.DRAFT
    sections = list(lesson.sections.order_by("position"))
    assert [(s.kind, s.heading) for s in sections] == [
        ("callout", "How to use this guide"),
        ("warmup_prompt", "Warm-up: three moments"),
        ("prose", "Signals worth noticing"),
        ("recall", "Look back at your answers"),
    ]
    assert sections[1].answer_count == 3
    assert sections[3].recall_of == sections[1]
    assert "### What people say, and how" in sections[2].body_md  # sub-headings stay inside their section
    assert "<h3>What the takes say</h3>" in sections[2].body_html
    assert list(lesson.faqs.values_list("question", flat=True)) == [
        "Isn't it intrusive to ask how someone is feeling?", "What if I misread the room?",
    ]
    assert list(lesson.quick_references.values_list("term", flat=True)) == ["Signal", "Check-in"]
    assert lesson.next_steps_md.startswith("In the next lesson")
    turn = lesson.turn
    assert (turn.title, turn.estimated_minutes, turn.framework.slug) == ("Read Your Last Session", 15, "studio-soft-skills")
    assert turn.intro_md == "Think about the session you kept in mind while reading."
    assert list(turn.steps.values_list("number", "kind", "title", "points", "min_words")) == [
        (1, "rate", "Rate yourself", 0, 0),
        (2, "reflection", "Notice the moment", 10, 40),
        (3, "goals", "Connect to your goals", 10, 40),
    ]
    assert turn.expected_outcome_md.startswith("One signal you will watch for")


def test_the_example_markdown_guide_imports_as_a_draft_with_every_part(module):
    last = max(module.lessons.values_list("number", flat=True))

    result = import_example(module)

    assert result.written and not result.problems, result.problems
    lesson = Lesson.objects.get(slug="reading-the-room")
    assert lesson.module == module and lesson.number == last + 1
    assert_is_the_example_lesson(lesson)
    assert "Your Turn “Read Your Last Session” with 3 steps" in result.recognised
    assert "FAQs: 2 questions" in result.recognised
    assert LessonRevision.objects.filter(lesson=lesson).count() == 1


@pytest.mark.parametrize("title_style", [False, True], ids=["headings-1-2-3", "title-and-headings-1-2"])
def test_the_same_guide_as_a_word_document_imports_to_the_same_lesson(module, title_style):
    import_example(module)
    from_markdown = lesson_text(Lesson.objects.get(slug="reading-the-room"))
    Lesson.objects.get(slug="reading-the-room").delete()

    result = import_example(module, markdown_to_docx(EXAMPLE.read_text(), title_style=title_style),
                            filename="Reading the Room.docx")

    assert result.written and not result.problems, result.problems
    lesson = Lesson.objects.get(slug="reading-the-room")
    assert_is_the_example_lesson(lesson)
    # Word has no line breaks inside a paragraph; otherwise the lesson files are the same.
    assert unwrapped(lesson_text(lesson)) == unwrapped(from_markdown)


def test_what_was_not_recognised_is_reported_and_the_rest_imported(module):
    guide = b"""# Odd Guide

## Warm-up

Jot some things down.

## FAQ

An answer that lost its question.

### Is this one fine?

Yes.

### And this one?

## Quick Reference

- **Term**: fine
- a line without a term

## Your Turn

### Step 1: Dance about it (5 points)

Move.
"""
    result = import_example(module, guide, filename="odd-guide.md")

    problems = "\n".join(result.problems)
    assert "FAQ: an answer with no question before it was left out: “An answer that lost its question.”" in problems
    assert "the question “And this one?” has no answer" in problems
    assert "“- a line without a term” is not a “- Term: one-line summary” line" in problems
    assert "step 1 “Dance about it”: its kind" in problems and "imported as a reflection" in problems
    assert "Warm-up “Warm-up”: how many answers it asks for is not stated" in problems
    assert "No “Next Steps” section found." in problems
    lesson = Lesson.objects.get(slug="odd-guide")
    assert lesson.status == Lesson.Status.DRAFT
    assert lesson.faqs.count() == 1 and lesson.quick_references.count() == 1
    assert list(lesson.turn.steps.values_list("kind", "points")) == [("reflection", 5)]


def test_importing_the_same_document_again_changes_nothing(module):
    import_example(module)
    lesson = Lesson.objects.get(slug="reading-the-room")
    version = lesson.content_version

    with CaptureQueriesContext(connection) as queries:
        result = import_example(module)

    assert not result.plan.has_changes and not result.written
    assert not [q for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q["sql"], re.I)]
    lesson.refresh_from_db()
    assert lesson.content_version == version and lesson.revisions.count() == 1


def test_a_published_lesson_is_only_replaced_when_asked_and_its_old_content_is_kept(module, author):
    import_example(module)
    lesson = Lesson.objects.get(slug="reading-the-room")
    lessons_publish(lessons=Lesson.objects.filter(pk=lesson.pk), publish=True)  # the admin's "Publish" action
    lesson.refresh_from_db()
    edited = EXAMPLE.read_bytes().replace(b"The guide is short;", b"The guide is very short;")

    refused = import_example(module, edited)

    assert refused.refused and "is published" in refused.refused
    assert not refused.written
    assert "very short" not in lesson.sections.get(kind="callout").body_md

    replaced = import_example(module, edited, replace_published=True, author=author)

    lesson.refresh_from_db()
    assert replaced.written and lesson.is_published
    assert "very short" in lesson.sections.get(kind="callout").body_md
    revisions = list(lesson.revisions.order_by("number"))
    assert [r.author for r in revisions] == [None, None, author]  # first import, the published state, this import
    assert "very short" not in revisions[1].text and "very short" in revisions[2].text


def test_number_picks_the_lesson_to_replace(module):
    import_example(module, number=7)

    assert Lesson.objects.get(slug="reading-the-room").number == 7


def test_the_command_prints_the_report_and_a_dry_run_writes_nothing(module, tmp_path):
    out = StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("import_lesson", str(EXAMPLE), "--into", INTO, "--dry-run", stdout=out)

    output = out.getvalue()
    assert "✓ Title: “Reading the Room”" in output
    assert "create  lesson 'reading-the-room' › Your Turn › step 'goals-3'" in output
    assert "nothing written" in output
    assert not [q for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q["sql"], re.I)]
    assert not Lesson.objects.filter(slug="reading-the-room").exists()

    call_command("import_lesson", str(EXAMPLE), "--into", INTO, stdout=StringIO())
    assert Lesson.objects.get(slug="reading-the-room").status == Lesson.Status.DRAFT


def test_the_command_refuses_an_unknown_module_and_a_file_of_another_kind(module, tmp_path):
    with pytest.raises(CommandError, match="no module 'nowhere'"):
        call_command("import_lesson", str(EXAMPLE), "--into", "studio-culture/nowhere", stdout=StringIO())
    other = tmp_path / "guide.pdf"
    other.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match=r"Markdown \(.md\) or Word \(.docx\)"):
        call_command("import_lesson", str(other), "--into", INTO, stdout=StringIO())
    broken = tmp_path / "guide.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="does not read as a Word"):
        call_command("import_lesson", str(broken), "--into", INTO, stdout=StringIO())
