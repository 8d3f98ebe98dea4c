"""`manage.py refresh_reports`: compute /reports/ again now, for every student and each track.

The page keeps a report for an hour (`SOFTSYNCED["REPORT_CACHE_SECONDS"]`);
run this hourly from a scheduler so that no staff request waits for the
computation (a few seconds at 100,000 students; see docs/performance.md).
"""

from typing import Any

from django.core.management.base import BaseCommand

from lessons.models import Track
from mentoring.selectors import staff_report


class Command(BaseCommand):
    help = "Recompute the staff reports (all students and each track) into the cache."

    def handle(self, *args: Any, **options: Any) -> None:
        for track in [None, *Track.objects.order_by("position", "id")]:
            report = staff_report(track=track, fresh=True)
            self.stdout.write(f"{track.title if track else 'All students'}: {report.students} students, "
                              f"as of {report.as_of:%H:%M} UTC")
