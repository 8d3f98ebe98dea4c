"""Student pages for tracks and lesson Guides."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from courseplatform import answers

from . import selectors, services
from .forms import ProgressForm
from .sections import lesson_context_for, section_data_for


def locked_response(request: HttpRequest, track, status: int = 200) -> HttpResponse:
    """The page a locked Extension Course shows instead of its content: what unlocks it."""
    return render(
        request,
        "lessons/track_locked.html",
        {"track": track, "points": request.user.depth_points,
         "points_needed": track.points_needed(request.user.depth_points)},
        status=status,
    )


def with_lesson(view):
    """Resolve `slug` to a lesson the student may open, or answer 404 / the lock page (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        try:
            lesson = selectors.lesson_get(user=request.user, slug=slug)
        except selectors.TrackLocked as locked:
            return locked_response(request, locked.track, status=403)
        return view(request, lesson, *args, **kwargs)

    return wrapper


def static_sections_html(lesson, sections) -> dict[int, str]:
    """The HTML of Guide sections that show no student data, by section id.

    They look the same to every student, so they are rendered once per lesson
    version and language and cached with the lesson's content (drafts: every time).
    """
    if not sections:
        return {}
    key = f"{selectors.lesson_content_cache_key(lesson)}:html:{get_language()}" if lesson.is_published else None
    html = cache.get(key) if key else None
    if html is None or any(section.pk not in html for section in sections):
        html = {section.pk: get_template(section.template_name).render({"section": section, "data": {}})
                for section in sections}
        if key:
            cache.set(key, html, selectors.CONTENT_CACHE_SECONDS)
    return html


@login_required
@require_GET
def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    track = selectors.track_get(slug=slug)
    if not selectors.track_is_open(user=request.user, track=track):
        return locked_response(request, track)
    outline = selectors.track_outline(user=request.user, track=track)
    return render(request, "lessons/track.html", {"outline": outline, "track": track})


def guide_response(request: HttpRequest, lesson, *, overrides: dict | None = None, status: int = 200,
                   csrf_placeholder: bool = False) -> HttpResponse:
    """The Guide page; `overrides` replaces sections' blocks (a form sent back with its errors).

    A refused form (`overrides` given) writes nothing, not even the lesson's start.
    `csrf_placeholder` renders the CSRF token as `answers.CSRF_PLACEHOLDER`, for a page
    that is cached and given each request's own token (`answers.page_answer`).
    """
    guide = selectors.lesson_guide(user=request.user, lesson=lesson)
    if guide.progress is None and overrides is None:
        # Opening a lesson starts it (never a draft preview: see the service).
        guide.progress = services.progress_start(user=request.user, lesson=lesson)
    section_data = section_data_for(request.user, lesson, guide.sections)
    section_data.update(overrides or {})
    html = static_sections_html(lesson, [s for s in guide.sections if not section_data.get(s.pk)])
    blocks = [(section, section_data.get(section.pk, {}), html.get(section.pk)) for section in guide.sections]
    context = {
        "lesson": lesson,
        "track": lesson.module.track,
        "module": lesson.module,
        "guide": guide,
        "blocks": blocks,
        **lesson_context_for(request.user, lesson),
    }
    if csrf_placeholder:
        context["csrf_token"] = answers.CSRF_PLACEHOLDER
    return render(request, "lessons/lesson.html", context, status=status)


@login_required
@require_GET
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The cached page is looked up before the lesson: a hit needs no lesson query.
    @with_lesson
    def build(request: HttpRequest, lesson) -> HttpResponse:
        return guide_response(request, lesson, csrf_placeholder=True)

    return answers.page_answer(request, "guide", lambda: build(request, slug), lesson_slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
@with_lesson
def lesson_progress(request: HttpRequest, lesson) -> HttpResponse:
    """Record reading progress; answers JSON to scripts, redirects forms.

    A GET (the way back from the login page after a signed-out "Mark the Guide
    as read") records nothing and leads to the lesson: never a 405.
    """
    if request.method == "GET":
        return redirect(lesson.get_absolute_url())
    form = ProgressForm(request.POST)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    try:
        section = selectors.section_get(lesson=lesson, section_id=form.cleaned_data["section"])
    except ValidationError as error:
        return JsonResponse({"errors": {"section": [{"message": m} for m in error.messages]}}, status=400)
    progress = services.progress_record(
        user=request.user, lesson=lesson, section=section, finished=form.cleaned_data["finished"]
    )
    if wants_json:
        return JsonResponse({
            "furthest_section": progress.furthest_section_id if progress else None,
            "guide_finished": bool(progress and progress.guide_finished_at),
            "preview": progress is None,
        })
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = lesson.get_absolute_url()
    return redirect(next_url)
