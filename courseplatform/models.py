"""Rows the API plumbing keeps for itself: the Idempotency-Key records."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """A write sent to the API with an `Idempotency-Key` header, and the response it got.

    The row is inserted (and committed) before the write runs, under the unique
    (user, key) constraint, so every app server sees a repeat at once. While
    the first request runs, `response_status` is null; afterwards the stored
    (2xx) response is replayed to every repeat with the same `fingerprint` (a
    hash of method, path and body). Rows are kept at least 24 hours
    (`settings.API_IDEMPOTENCY["KEEP_FOR"]`); `manage.py purge_idempotency_keys`
    deletes older ones.

    The table keeps the name it had when the model lived in `accounts`
    (moved without copying a row: courseplatform/migrations/0001).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_idempotencyrecord"
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="accounts_idempotency_key_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.key}"

    @property
    def is_complete(self) -> bool:
        return self.response_status is not None
