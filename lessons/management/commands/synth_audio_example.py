"""`manage.py synth_audio_example DIR`: write phrase-dry.wav and phrase-compressed.wav for a dynamics lesson."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from lessons.audio_examples import RATE, dry_and_compressed


class Command(BaseCommand):
    help = "Synthesise a dry and a compressed version of the same short phrase as WAV files in DIR."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--rate", type=int, default=RATE,
            help=f"Samples a second (default {RATE}); the demo course's pair uses 11025 to stay small in git.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        directory.mkdir(parents=True, exist_ok=True)
        dry, compressed = dry_and_compressed(options["rate"])
        for name, data in (("phrase-dry.wav", dry), ("phrase-compressed.wav", compressed)):
            (directory / name).write_bytes(data)
            self.stdout.write(f"Wrote {directory / name} ({len(data):,} bytes).")
