"""Safe retries: a write sent again with the same `Idempotency-Key` has one effect.

A mobile client that loses its connection cannot know whether its write
arrived, so it sends the write again with the same key. The contract:

- same key, same method + path + body → the first response (status and body)
  is replayed, with the header `Idempotent-Replayed: true`, and nothing runs again;
- same key, different method, path or body → 422 `idempotency_key_reused`;
- keys belong to one student and are kept at least 24 hours
  (`settings.API_IDEMPOTENCY["KEEP_FOR"]`).

How it stays true with many app servers and concurrent repeats:

1. The record is inserted first, in a transaction of its own, under the unique
   constraint (user, key). A repeat, on any server, finds it.
2. The write then runs inside one transaction that also holds the record's row
   lock (`SELECT … FOR UPDATE NOWAIT`) and, before committing, stores the
   response in the record. The effect and the stored response commit together
   or not at all.
3. A repeat that cannot take the lock (the first is still running) polls for up
   to `WAIT_SECONDS`, then replays the stored response, or answers 409
   `idempotency_in_progress` with Retry-After.
4. A record left without a response (its server died mid-way, rolling the
   effect back) is unlocked, so the next repeat takes it over and runs the write.

Only a write that ran is stored, as Stripe does it: a 2xx response. A request
refused before it ran (400 from validation, 403 for a locked track, 404, 409)
or that failed (5xx) has its effect rolled back and its record deleted (a
crash leaves it unlocked instead, step 4), so the key is free: a retry once
the cause is gone (the body fixed, the track unlocked) runs for real, even
with a different body. Throttles (429) and authentication run before this
decorator, so their refusals never reach a record at all.

On SQLite, which has no row locks, the IMMEDIATE transactions the settings ask
for serialize writers, so step 2's transaction waits for the first to finish.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from courseplatform.models import IdempotencyRecord

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255
KEY_PATTERN = r"^[!-~]{1,255}$"  # visible ASCII, e.g. a UUID
STORED_HEADERS = ("Location",)


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used for a different request; use a new key.")
    default_code = "idempotency_key_reused"


class IdempotencyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A request with this Idempotency-Key is still running; retry shortly.")
    default_code = "idempotency_in_progress"

    def __init__(self) -> None:
        super().__init__()
        self.wait = 1  # becomes Retry-After


class _Busy(Exception):
    """Another request holds the record's lock."""


class _NotStored(Exception):
    """The write did not run to a 2xx: roll its effect back and free the key."""

    def __init__(self, response: HttpResponseBase):
        self.response = response


class _Released(Exception):
    """The record was deleted while this repeat waited (the first was refused): claim the key again."""


def is_stored(status_code: int) -> bool:
    """Only responses of writes that ran (2xx) are kept and replayed."""
    return 200 <= status_code < 300


def _config() -> dict[str, Any]:
    return settings.API_IDEMPOTENCY


def fingerprint(request: Request) -> str:
    """A hash of method, full path and body; keys order-independent so a re-serialised body matches."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    raw = f"{request.method}\n{request.get_full_path()}\n{body}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _claim(*, request: Request, key: str, digest: str) -> IdempotencyRecord:
    """The record for (user, key): inserted now (committed), or the one already there."""
    user = request.user
    cutoff = timezone.now() - _config()["KEEP_FOR"]
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=digest, method=request.method, path=request.path[:500]
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if existing is None:
                continue  # purged in between: insert again
            if existing.created_at < cutoff:
                # Past its keeping time: the key is free again.
                IdempotencyRecord.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
                continue
            return existing
    raise IdempotencyInProgress()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(record.response_body, status=record.response_status, content_type="application/json")
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _store(record: IdempotencyRecord, response: HttpResponseBase) -> None:
    data = getattr(response, "data", None)
    if data is not None:
        body = JSONRenderer().render(data)
    elif getattr(response, "is_rendered", True):
        body = response.content
    else:
        body = b""  # a 204 from a DRF view: no content to render

    record.response_status = response.status_code
    record.response_body = body.decode("utf-8")
    record.response_headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
    record.completed_at = timezone.now()
    record.save(update_fields=["response_status", "response_body", "response_headers", "completed_at"])


def _run_handler(view, handler: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """Run the view's handler; an API error becomes its response (so it can be stored)."""
    try:
        with transaction.atomic():
            return handler()
    except Exception as exc:
        # handle_exception answers API errors and re-raises anything else (a 500).
        return view.handle_exception(exc)


def _run_once(view, record: IdempotencyRecord, handler: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    deadline = time.monotonic() + _config()["WAIT_SECONDS"]
    while True:
        try:
            with transaction.atomic():
                try:
                    locked = IdempotencyRecord.objects.select_for_update(nowait=True).get(pk=record.pk)
                except OperationalError:
                    raise _Busy from None
                if locked.is_complete:
                    return _replay(locked)
                response = _run_handler(view, handler)
                if not is_stored(response.status_code):
                    raise _NotStored(response)  # rolls back whatever the handler did
                _store(locked, response)
                return response
        except _Busy:
            if time.monotonic() >= deadline:
                raise IdempotencyInProgress() from None
            time.sleep(_config()["POLL_SECONDS"])
        except _NotStored as not_stored:
            IdempotencyRecord.objects.filter(pk=record.pk, response_status__isnull=True).delete()
            return not_stored.response
        except IdempotencyRecord.DoesNotExist:
            raise _Released() from None


def idempotent(method: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Decorate an API view's post/put/patch so `Idempotency-Key` makes retries safe."""

    @wraps(method)
    def wrapper(view, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(KEY_HEADER)
        if key is None:
            return method(view, request, *args, **kwargs)
        if not re.fullmatch(KEY_PATTERN, key):
            raise exceptions.ValidationError(
                {KEY_HEADER: [_("Use 1 to 255 visible ASCII characters, for example a UUID.")]}
            )
        digest = fingerprint(request)  # parses the body: malformed JSON is a 400 before anything is stored
        deadline = time.monotonic() + _config()["WAIT_SECONDS"]
        while True:
            record = _claim(request=request, key=key, digest=digest)
            if record.fingerprint != digest:
                raise IdempotencyKeyReused()
            try:
                return _run_once(view, record, lambda: method(view, request, *args, **kwargs))
            except _Released:
                # The request this one waited for was refused and freed the key: claim it afresh.
                if time.monotonic() >= deadline:
                    raise IdempotencyInProgress() from None

    return wrapper


# --- OpenAPI ----------------------------------------------------------------------

IDEMPOTENCY_KEY = OpenApiParameter(
    KEY_HEADER,
    {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional. A unique key (e.g. a UUID) per intended write. Repeating the request with the same key "
        "and body replays the first response without a second effect; the same key with another body "
        "answers 422. Keys are kept 24 hours."
    ),
)
IDEMPOTENT_REPLAYED = OpenApiParameter(
    REPLAYED_HEADER, str, OpenApiParameter.HEADER, response=True, enum=["true"],
    description="Present on a response replayed for a repeated Idempotency-Key.",
)
