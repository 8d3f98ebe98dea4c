"""`manage.py purge_idempotency_keys`: delete Idempotency-Key records past their keeping time.

Run it from cron (daily is plenty). Keys younger than
`settings.API_IDEMPOTENCY["KEEP_FOR"]` (24 hours) are never deleted, so the
retry contract holds; an expired key found by a request is also freed then.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from courseplatform.models import IdempotencyRecord


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than API_IDEMPOTENCY['KEEP_FOR']."

    def handle(self, *args, **options) -> None:
        cutoff = timezone.now() - settings.API_IDEMPOTENCY["KEEP_FOR"]
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        if options["verbosity"]:
            self.stdout.write(f"Deleted {deleted} idempotency record(s) older than {cutoff:%Y-%m-%d %H:%M} UTC.")
