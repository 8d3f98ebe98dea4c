"""`manage.py import_content DIR [--dry-run]`: bring the database in line with content files.

It first says what it will create, change, archive and delete, then does it
(unless `--dry-run`). It never creates accounts and never deletes learners'
records: a part removed from the files is archived when students' work points
at it. See docs/authoring.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments.content_files import import_content
from lessons.content_files.plan import Plan
from lessons.content_files.syntax import FormatError


class Command(BaseCommand):
    help = "Import content files from DIR (as written by export_content); --dry-run only prints the changes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Print what would change and write nothing.")

    def handle(self, *args: Any, directory: Path, dry_run: bool, **options: Any) -> None:
        try:
            plan = import_content(directory, dry_run=True)
            print_plan(self, plan)
            if dry_run or not plan.has_changes:
                self.stdout.write("Nothing written." if dry_run else "Nothing to change.")
                return
            done = import_content(directory, dry_run=False)
        except FormatError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Done: {done.summary(done=True)}."))


def print_plan(command: BaseCommand, plan: Plan) -> None:
    for change in plan.changes:
        command.stdout.write(f"  {change}")
    for note in plan.notes:
        command.stdout.write(f"  note    {note}")
    command.stdout.write(f"Plan: {plan.summary()}.")
