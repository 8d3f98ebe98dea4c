"""Pages for students (join, cohorts, sharing, replies), mentors (/mentor/) and staff (/reports/).

Views parse the request, call a service or selector and render; who may see
what is decided in selectors.py, the rules in services.py (shared with the API).
"""

import csv
from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.views import csv_safe
from courseplatform.forms import apply_service_errors
from lessons.models import Track

from . import charts, selectors, services
from .forms import FeedbackForm, JoinForm, ReplyForm, ReportForm, ShareForm


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = default
    return redirect(target)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for problems in (error.message_dict if hasattr(error, "error_dict") else {"": error.messages}).values():
        for problem in problems:
            messages.error(request, problem)


# --- Students: joining, leaving, sharing --------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def join_with_code(request: HttpRequest) -> HttpResponse:
    """A form for the invite code (the link does the same with the code in the URL)."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.cohort_join(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_service_errors(form, error, {"code": "code"})
        else:
            messages.success(request, _("You joined %(name)s.") % {"name": membership.cohort.name})
            return redirect(membership.cohort.get_absolute_url())
    return render(request, "mentoring/join.html", {"form": form, "cohort": None}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    """The invite link: says which cohort it is and what joining means; joining is a button (POST)."""
    cohort = selectors.Cohort.objects.filter(invite_code=code).prefetch_related("mentors").first()
    if request.method == "POST":
        try:
            membership = services.cohort_join(user=request.user, code=code)
        except ValidationError as error:
            _errors(request, error)
            return redirect("mentoring:join_code")
        messages.success(request, _("You joined %(name)s.") % {"name": membership.cohort.name})
        return redirect(membership.cohort.get_absolute_url())
    if cohort is None:
        form = JoinForm({"code": code})
        form.is_valid()
        form.add_error("code", _("No cohort has this invite code. Check it with your mentor."))
        return render(request, "mentoring/join.html", {"form": form, "cohort": None}, status=404)
    member = selectors.Membership.objects.active().filter(cohort=cohort, user=request.user).exists()
    return render(request, "mentoring/join.html", {"cohort": cohort, "member": member, "code": code})


@login_required
@require_GET
def cohorts(request: HttpRequest) -> HttpResponse:
    """The student's cohorts: who mentors them, leave buttons, and what peers shared."""
    memberships = selectors.my_cohorts(user=request.user)
    return render(request, "mentoring/cohorts.html", {"memberships": memberships, "join_form": JoinForm()})


@login_required
@require_GET
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the student's cohorts: its radar (3 people or more) and the attempts peers shared."""
    the_cohort = selectors.cohort_for_member(user=request.user, pk=pk)
    stats = selectors.skill_stats(scope=selectors.Scope(users=selectors.member_ids(the_cohort)))
    context = {
        "cohort": the_cohort,
        "mentors": list(the_cohort.mentors.all()),
        "members": selectors.member_ids(the_cohort).count(),
        "frameworks": [charts.framework_chart(s) for s in stats],
        "shared": selectors.peer_shared_attempts(user=request.user, cohort=the_cohort),
        "min_group": selectors.min_group(),
    }
    return render(request, "mentoring/cohort.html", context)


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    the_cohort = selectors.cohort_for_member(user=request.user, pk=pk)
    services.cohort_leave(user=request.user, cohort=the_cohort)
    messages.success(request, _("You left %(name)s. Its mentors and members no longer see what you shared.")
                     % {"name": the_cohort.name})
    return redirect("mentoring:cohorts")


@login_required
@require_POST
def share(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.own_attempt_get(user=request.user, attempt_id=attempt_id)
    form = ShareForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    result = services.share_set(user=request.user, attempt=attempt, with_mentors=form.cleaned_data["with_mentors"],
                                with_peers=form.cleaned_data["with_peers"])
    if result.with_mentors or result.with_peers:
        messages.success(request, _("Sharing saved."))
    else:
        messages.success(request, _("This attempt is private again: only you can see it."))
    return _back(request, reverse("skills"))


# --- Reading a shared attempt and commenting --------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """A shared attempt beside its radar, with the comments; mentors and peers comment here."""
    view = selectors.attempt_view(viewer=request.user, attempt_id=attempt_id)
    if view.access.is_owner:
        return redirect(reverse("turn", kwargs={"slug": view.attempt.turn.lesson.slug}) + "#feedback")
    mine = next((t.comment for t in view.threads if t.comment.author_id == request.user.pk), None)
    form = FeedbackForm(request.POST or None, initial={"text": mine.text if mine else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_give(author=request.user, attempt_id=attempt_id, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_service_errors(form, error, {"text": "text"})
        else:
            messages.success(request, _("Your feedback is saved.") if mine is None else _("Your feedback is updated."))
            return redirect(reverse("mentoring:attempt", kwargs={"attempt_id": attempt_id}) + "#feedback")
    context = {
        "view": view, "form": form, "mine": mine,
        "chart": charts.attempt_chart(view),
        "status": 400 if form.errors else 200,
    }
    return render(request, "mentoring/attempt.html", context, status=context["status"])


@login_required
@require_POST
def reply(request: HttpRequest, feedback_id: int) -> HttpResponse:
    form = ReplyForm(request.POST, prefix=f"c{feedback_id}")
    if form.is_valid():
        try:
            services.feedback_reply(user=request.user, feedback_id=feedback_id, text=form.cleaned_data["text"])
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Your reply is saved."))
    else:
        messages.error(request, _("Write your reply before sending."))
    return _back(request, reverse("skills"))


@login_required
@require_POST
def report(request: HttpRequest, feedback_id: int) -> HttpResponse:
    form = ReportForm(request.POST)
    form.is_valid()
    try:
        services.feedback_report(user=request.user, feedback_id=feedback_id, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Thank you. Your cohort's mentors will look at this comment."))
    return _back(request, reverse("skills"))


@login_required
@require_POST
def hide(request: HttpRequest, feedback_id: int) -> HttpResponse:
    hidden = request.POST.get("hidden", "1") != "0"
    feedback = services.feedback_hide(mentor=request.user, feedback_id=feedback_id, hidden=hidden)
    messages.success(request, _("The comment is hidden from the student and peers.") if hidden
                     else _("The comment is shown again."))
    return redirect(reverse("mentoring:attempt", kwargs={"attempt_id": feedback.attempt_id}) + "#feedback")


# --- Mentors ----------------------------------------------------------------------


def _mentor_only(request: HttpRequest) -> None:
    if not selectors.is_mentor(request.user):
        raise PermissionDenied(_("Only mentors see this page."))


@login_required
@require_GET
def mentor_home(request: HttpRequest) -> HttpResponse:
    _mentor_only(request)
    mine = list(selectors.Cohort.objects.mentored_by(request.user).order_by("name", "id"))
    if len(mine) == 1:
        return redirect("mentoring:mentor_cohort", pk=mine[0].pk)
    return render(request, "mentoring/mentor_home.html", {"cohorts": mine})


@login_required
@require_GET
def mentor_cohort(request: HttpRequest, pk: int) -> HttpResponse:
    _mentor_only(request)
    the_cohort = selectors.cohort_for_mentor(mentor=request.user, pk=pk)
    dashboard = selectors.cohort_dashboard(cohort=the_cohort)
    context = {
        "dashboard": dashboard,
        "cohort": the_cohort,
        "invite_url": request.build_absolute_uri(the_cohort.invite_path),
        "frameworks": [charts.framework_chart(s) for s in dashboard.frameworks],
        "funnel": charts.funnel_chart(dashboard.funnel),
        "min_group": selectors.min_group(),
        "nudge_days": settings.SOFTSYNCED["NUDGE_AFTER"].days,
        "other_cohorts": selectors.Cohort.objects.mentored_by(request.user).exclude(pk=the_cohort.pk),
    }
    return render(request, "mentoring/mentor_cohort.html", context)


def _csv(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(v) if isinstance(v, str) else ("" if v is None else v) for v in row])
    return response


def _stats_rows(frameworks: list[selectors.FrameworkStats]) -> list[list[object]]:
    return [
        [f.name, c.name, c.people, c.median, c.q1, c.q3, c.low, c.high, c.lowest_for]
        for f in frameworks if f.enough for c in f.categories
    ]


STATS_HEADER = ["framework", "category", "people", "median", "lower_quartile", "upper_quartile", "lowest", "highest",
                "lowest_category_for"]
FUNNEL_HEADER = ["track", "lesson", "opened", "guide_finished", "turn_complete"]


def _funnel_rows(funnel: list[selectors.FunnelRow]) -> list[list[object]]:
    return [[r.lesson.module.track.title, f"{r.lesson.number}. {r.lesson.title}", r.opened, r.guide_finished,
             r.turn_complete] for r in funnel]


@login_required
@require_GET
def mentor_csv(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    _mentor_only(request)
    the_cohort = selectors.cohort_for_mentor(mentor=request.user, pk=pk)
    name = f"cohort-{the_cohort.pk}-{table}.csv"
    if table == "members":
        rows = [[m.user.name, m.user.email, m.joined_at.isoformat(), m.lessons_done,
                 m.last_active.isoformat() if m.last_active else "", m.user.depth_points,
                 m.retake_due.isoformat() if m.retake_due else "", " ".join(m.nudge)]
                for m in selectors.cohort_members(cohort=the_cohort)]
        return _csv(name, ["name", "email", "joined", "lessons_done", "last_active", "depth_points", "retake_due",
                           "nudge"], rows)
    scope = selectors.Scope(users=selectors.member_ids(the_cohort))
    if table == "skills":
        return _csv(name, STATS_HEADER, _stats_rows(selectors.skill_stats(scope=scope)))
    if table == "funnel":
        return _csv(name, FUNNEL_HEADER, _funnel_rows(selectors.lesson_funnel(scope=scope)))
    if table == "awaiting":
        rows = [[a.attempt.user.name, a.attempt.turn.lesson.title, a.attempt.number, a.last_written.isoformat()]
                for a in selectors.awaiting_feedback(cohort=the_cohort)]
        return _csv(name, ["student", "lesson", "attempt", "last_written"], rows)
    raise selectors.Http404("No such table.")


# --- Staff reports ----------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied(_("Reports are for staff."))


def _report_track(request: HttpRequest) -> Track | None:
    slug = request.GET.get("track") or ""
    if not slug:
        return None
    track = Track.objects.filter(slug=slug).first()
    if track is None:
        raise selectors.Http404("No such track.")
    return track


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    track = _report_track(request)
    report = selectors.staff_report(track=track)
    context = {
        "report": report,
        "tracks": Track.objects.order_by("position", "id"),
        "frameworks": [charts.framework_chart(s) for s in report.frameworks],
        "funnel": charts.funnel_chart(report.funnel),
        "min_group": selectors.min_group(),
        "query": f"?track={track.slug}" if track else "",
    }
    return render(request, "mentoring/reports.html", context)


@login_required
@require_GET
def reports_csv(request: HttpRequest, table: str) -> HttpResponse:
    _staff_only(request)
    track = _report_track(request)
    report = selectors.staff_report(track=track)
    name = f"report-{track.slug if track else 'all'}-{table}.csv"
    if table == "skills":
        return _csv(name, STATS_HEADER, _stats_rows(report.frameworks))
    if table == "funnel":
        return _csv(name, FUNNEL_HEADER, _funnel_rows(report.funnel))
    raise selectors.Http404("No such table.")
