"""Cached read answers: each built once per version of what it shows, then served from the cache.

A student's read answer (the lesson detail, a track outline, the tracks, Depth
points, the dashboard, a Guide page) shows course content and the student's own
state. Its cache key holds the numbers that move when either changes:

- the course structure's and the course content's versions
  (`lessons.services.course_versions`, read with the session, or one small query);
- the student's versions (`accounts.state`): the state version, for an
  answer that shows everything of theirs (the dashboards); the shared version,
  for one that shows nothing lesson-local (outlines, tracks, Depth points); the
  shared version and the lesson's own version, for a lesson's detail and Guide.
  The first two are on the user row the request has already loaded; a lesson's
  is read in the course versions' query, or for an API read of a lesson with
  the session (`accounts.sessions.lesson_asked`);

with what the request asks (path and query string, host, language). Every
write moves one of them in its own transaction, so an answer is never served
after what it shows has changed, and no write has to find and delete cached
answers. The versions are read before the answer is built: an answer built
while a write commits is stored under the old numbers, where no later request
looks. Entries live in the `answers` cache (Redis, or without it diskcache's
files on local disk, shared by the server's workers and bounded in bytes) for at
most `ANSWER_CACHE_SECONDS`.

Staff are never served from here: they see drafts and previews. Only 200
answers are kept; errors are built every time.

The Guide page is HTML with forms: it is rendered with a placeholder where the
CSRF token goes, and each request puts its own token in. A page with messages
to show (they are per request) is built fresh.

`STATS` counts, per process, answers served from the cache ("<name>:hit") and
built ("<name>:miss"); the bench reads it to report the hit rate it saw.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer

from lessons.services import course_and_lesson_versions, course_versions, versions_kept

from .api.etags import ETAG_HEADER, etag_of, matches

STATS: Counter[str] = Counter()
CSRF_PLACEHOLDER = "csrf-token-placeholder-8c1f0e"
_JSON = JSONRenderer()


def _cache():
    return caches["answers"]


# What an answer shows of the student, so which of their versions its key holds (see above).
EVERYTHING = "everything"
SHARED = "shared"


def answer_key(request: HttpRequest, name: str, *, daily: bool = False, shows: str = EVERYTHING,
               lesson_slug: str | None = None) -> tuple[str, tuple[int, str]] | None:
    """This request's answer's cache key and the course versions in it; None when it is not cached (staff).

    `shows` is EVERYTHING or SHARED; with `lesson_slug`, the answer shows the shared
    state and that lesson's own.
    """
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    # Each kind of number has its own tag, so no key made of one can equal a key made of another.
    if lesson_slug is not None:
        versions, own = course_and_lesson_versions(user=user, slug=lesson_slug)
        mine = f"lesson:{user.shared_version}.{own}"
    elif shows == SHARED:
        versions, mine = course_versions(user=user), f"shared:{user.shared_version}"
    else:
        versions, mine = course_versions(user=user), f"state:{user.state_version}"
    structure, content = versions
    # The user's joining moment with the id: a database rebuilt with the same ids never meets
    # answers a shared cache still holds for the accounts before.
    parts = [mine, user.date_joined.isoformat(), str(structure), str(content), get_language() or "",
             request.get_host(), request.get_full_path()]
    if daily:
        parts.append(timezone.localdate().isoformat())
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return f"{name}:{user.pk}:{digest}", versions


def _built(keyed: tuple[str, tuple[int, str]] | None, build: Callable[[], Any]) -> Any:
    """Run `build` with the versions its key was made of, so its lesson lookup reads them no second time."""
    if keyed is None:
        return build()
    with versions_kept(keyed[1]):
        return build()


def json_answer(request, name: str, build: Callable[[], Any], *, conditional: bool = False,
                daily: bool = False, shows: str = EVERYTHING, lesson_slug: str | None = None) -> HttpResponse:
    """The JSON answer `build()` returns, from the cache when nothing it shows has changed.

    With `conditional`, the answer carries a strong ETag (a hash of the body) and
    an If-None-Match that matches it answers 304 without a body. `daily` adds the
    date to the key, for answers that compare dates with today. `shows` and
    `lesson_slug` say what of the student's the answer shows (`answer_key`).
    """
    keyed = answer_key(request, name, daily=daily, shows=shows, lesson_slug=lesson_slug)
    key = keyed[0] if keyed else None
    entry = _cache().get(key) if key else None
    if entry is None:
        STATS[f"{name}:miss"] += 1
        body = _JSON.render(_built(keyed, build))
        entry = (body, etag_of(body) if conditional else "")
        if key:
            _cache().set(key, entry, settings.ANSWER_CACHE_SECONDS)
    else:
        STATS[f"{name}:hit"] += 1
    body, etag = entry
    if conditional and matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    if conditional:
        response[ETAG_HEADER] = etag
    return response


def page_answer(request: HttpRequest, name: str, build: Callable[[], HttpResponse], *,
                daily: bool = False, lesson_slug: str | None = None) -> HttpResponse:
    """An HTML page from the cache when nothing it shows has changed; `build` renders it.

    `build` must render `{% csrf_token %}` as `CSRF_PLACEHOLDER` (put `csrf_token`
    in the template context); the request's own token replaces it here.
    """
    keyed = (answer_key(request, name, daily=daily, lesson_slug=lesson_slug)
             if not len(get_messages(request)) else None)
    key = keyed[0] if keyed else None
    entry = _cache().get(key) if key else None
    if entry is None:
        STATS[f"{name}:miss"] += 1
        response = _built(keyed, build)
        if response.status_code != 200 or response.streaming:
            return response
        entry = (response.content, response["Content-Type"])
        if key:
            _cache().set(key, entry, settings.ANSWER_CACHE_SECONDS)
    else:
        STATS[f"{name}:hit"] += 1
    content, content_type = entry
    token = get_token(request).encode()
    return HttpResponse(content.replace(CSRF_PLACEHOLDER.encode(), token), content_type=content_type)
