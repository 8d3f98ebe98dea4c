"""Mentoring's blocks on assessments' pages: sharing controls and feedback on the Your Turn, feedback on /skills/.

Registered with `assessments.panels` at start-up (see apps.py), so assessments
never imports mentoring.
"""

from assessments.panels import Panel, register_skills_panel, register_turn_panel

from . import selectors
from .forms import ReplyForm, ReportForm, ShareForm


def _threads_with_forms(threads):
    return [(thread, ReplyForm(initial={"text": thread.reply.text if thread.reply else ""}, prefix=f"c{thread.comment.pk}"))
            for thread in threads]


@register_turn_panel
def sharing_panel(request, page) -> list[Panel]:
    """Who can see this attempt, the controls to change it, and the comments on it."""
    user = request.user
    memberships = selectors.my_cohorts(user=user)
    attempt = page.attempt
    share = selectors.Share.objects.filter(attempt=attempt).first() if attempt is not None else None
    threads = selectors.feedback_for_owner(user=user, attempt_ids=[attempt.pk]).get(attempt.pk, []) if attempt else []
    form = ShareForm(initial={"with_mentors": bool(share and share.with_mentors),
                              "with_peers": bool(share and share.with_peers)})
    return [Panel("mentoring/includes/turn_sharing.html", {
        "attempt": attempt, "share": share, "memberships": memberships, "form": form,
        "threads": _threads_with_forms(threads), "report_form": ReportForm(), "next": request.get_full_path(),
    })]


@register_skills_panel
def feedback_panel(request, history) -> list[Panel]:
    """Every comment on the student's attempts, grouped by attempt, with a reply box each."""
    by_attempt = selectors.feedback_for_owner(user=request.user)
    if not by_attempt:
        return []
    groups = []
    for threads in by_attempt.values():
        if threads:
            groups.append((threads[0].comment.attempt, _threads_with_forms(threads)))
    groups.sort(key=lambda g: g[0].started_at, reverse=True)
    return [Panel("mentoring/includes/skills_feedback.html", {
        "groups": groups, "report_form": ReportForm(), "next": request.get_full_path(),
    })]
