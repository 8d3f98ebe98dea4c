"""E-mail students whose six-month skills retake is due, once per due date."""

from django.core.management.base import BaseCommand

from assessments.services import reminders_send


class Command(BaseCommand):
    help = "E-mail opted-in students whose skills retake is due (once per due date, however often it runs)."

    def handle(self, *args, **options) -> None:
        sent = reminders_send()
        self.stdout.write(f"Sent {sent} reassessment reminder(s).")
