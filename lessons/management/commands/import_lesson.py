"""`manage.py import_lesson FILE --into <track>/<module> [--number N] [--dry-run]`.

Reads a guide written as a Markdown (.md) or Word (.docx) document, says what it
recognised and what it could not, and imports it as a draft lesson (see the
conventions in docs/authoring.md). A published lesson is only replaced with
`--replace-published`, and its content before and after is kept as revisions.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lessons.content_files.syntax import FormatError
from lessons.models import Module
from lessons.services import lesson_import_document


class Command(BaseCommand):
    help = "Import a lesson from a Markdown or Word document into a module, as a draft."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--into", required=True, metavar="TRACK/MODULE", help="Slugs of the track and module.")
        parser.add_argument("--number", type=int, help="The lesson's number in the module (an existing one is replaced).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be imported; write nothing.")
        parser.add_argument("--replace-published", action="store_true",
                            help="Allow replacing a published lesson (its current content is kept as a revision).")

    def handle(self, *args: Any, file: Path, into: str, number: int | None, dry_run: bool,
               replace_published: bool, **options: Any) -> None:
        track_slug, _, module_slug = into.partition("/")
        module = Module.objects.filter(track__slug=track_slug, slug=module_slug).select_related("track").first()
        if module is None:
            raise CommandError(f"--into {into}: no module '{module_slug}' in a track '{track_slug}'.")
        try:
            result = lesson_import_document(
                data=file.read_bytes(), filename=file.name, module=module, number=number, dry_run=dry_run,
                replace_published=replace_published,
            )
        except (FormatError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Recognised:")
        for line in result.recognised:
            self.stdout.write(f"  ✓ {line}")
        if result.problems:
            self.stdout.write("Not recognised:")
            for line in result.problems:
                self.stdout.write(f"  ✗ {line}")
        self.stdout.write("Changes:")
        for change in result.plan.changes:
            self.stdout.write(f"  {change}")
        if result.refused:
            raise CommandError(result.refused)
        if dry_run:
            self.stdout.write(f"Dry run: {result.plan.summary()}; nothing written.")
        elif result.written:
            lesson = result.lesson
            self.stdout.write(self.style.SUCCESS(
                f"Imported “{lesson.title}” as lesson {lesson.number} of {module} ({lesson.get_status_display()})."
            ))
        else:
            self.stdout.write("Nothing to change: the lesson already matches the document.")
