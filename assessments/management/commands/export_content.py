"""`manage.py export_content DIR`: every framework, track and lesson as content files (see docs/authoring.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments.content_files import export_content
from lessons.content_files.syntax import FormatError


class Command(BaseCommand):
    help = "Write all course content to DIR as Markdown and TOML files that can be kept in git and imported."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            files = export_content(directory)
        except FormatError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(files)} files to {directory}."))
