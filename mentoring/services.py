"""Writes with rules for cohorts, sharing and feedback. The web views and the API both call these.

Each is typed, keyword-only and atomic, and checks who may do it through
`selectors` (one home for visibility): a write on something the user cannot
see raises Http404, as a read would.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import state
from accounts.models import User
from assessments.models import TurnAttempt
from courseplatform.text import text_problem

from . import selectors
from .models import (
    FEEDBACK_MAX_CHARS,
    MENTOR_PERMISSION,
    MENTORS_GROUP,
    REPORT_MAX_CHARS,
    Cohort,
    Feedback,
    FeedbackReport,
    FeedbackVersion,
    Membership,
    Share,
)


def _text(value: object, *, name: str = "text", limit: int = FEEDBACK_MAX_CHARS, required: bool = True) -> str:
    problem = text_problem(value)
    if problem:
        raise ValidationError({name: [problem]})
    text = str(value).strip()
    if required and not text:
        raise ValidationError({name: [_("Write something before sending.")]})
    if len(text) > limit:
        raise ValidationError({name: [_("Keep this under %(limit)s characters (it has %(count)s); nothing was saved.")
                                      % {"limit": f"{limit:,}", "count": f"{len(text):,}"}]})
    return text


# --- Roles and cohorts -----------------------------------------------------------------


def mentors_group() -> Group:
    """The "Mentors" group with the mentor permission (made by a migration; made again if it was removed)."""
    group, _created = Group.objects.get_or_create(name=MENTORS_GROUP)
    app_label, codename = MENTOR_PERMISSION.split(".")
    if not group.permissions.filter(content_type__app_label=app_label, codename=codename).exists():
        content_type = ContentType.objects.get_for_model(Cohort)
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename,
            defaults={"name": "Can mentor the cohorts they are assigned to"},
        )
        group.permissions.add(permission)
    return group


@transaction.atomic
def mentor_role_grant(*, user: User) -> None:
    """Give a person the mentor role (the "Mentors" group). It is not staff: no admin access."""
    user.groups.add(mentors_group())


@transaction.atomic
def cohort_join(*, user: User, code: object) -> Membership:
    """Join the cohort with this invite code; joining again while a member changes nothing.

    An unknown code raises a ValidationError naming `code`.
    """
    code = str(code or "").strip()
    cohort = Cohort.objects.filter(invite_code=code).first() if code else None
    if cohort is None:
        raise ValidationError({"code": [_("No cohort has this invite code. Check it with your mentor.")]})
    membership = Membership.objects.active().filter(cohort=cohort, user=user).first()
    if membership is not None:
        return membership
    try:
        with transaction.atomic():
            return Membership.objects.create(cohort=cohort, user=user)
    except IntegrityError:
        return Membership.objects.active().get(cohort=cohort, user=user)


@transaction.atomic
def cohort_leave(*, user: User, cohort: Cohort) -> None:
    """Leave a cohort (the membership row is kept with the time of leaving). Not a member: 404."""
    left = Membership.objects.active().filter(cohort=cohort, user=user).update(left_at=timezone.now())
    if not left:
        raise Http404("You are not a member of this cohort.")
    state.changed(user.pk)


# --- Sharing ---------------------------------------------------------------------------


@transaction.atomic
def share_set(*, user: User, attempt: TurnAttempt, with_mentors: bool, with_peers: bool) -> Share:
    """Say who, besides the student, may read one of their attempts. Only the owner may."""
    if attempt.user_id != user.pk:
        raise Http404("No such attempt.")
    share, created = Share.objects.select_for_update().get_or_create(
        attempt=attempt, defaults={"with_mentors": with_mentors, "with_peers": with_peers}
    )
    if not created and (share.with_mentors, share.with_peers) != (with_mentors, with_peers):
        share.with_mentors, share.with_peers = with_mentors, with_peers
        share.updated_at = timezone.now()
        share.save(update_fields=["with_mentors", "with_peers", "updated_at"])
    return share


# --- Feedback --------------------------------------------------------------------------


def _version(feedback: Feedback) -> None:
    FeedbackVersion.objects.create(feedback=feedback, text=feedback.text, created_at=feedback.updated_at)


def _notify(feedback: Feedback) -> None:
    """E-mail the attempt's owner about a new comment, unless they opted out (after commit)."""
    owner = feedback.attempt.user
    if not owner.feedback_email_opt_in or not owner.is_active:
        return
    lesson = feedback.attempt.turn.lesson
    url = settings.SITE_URL.rstrip("/") + reverse("turn", kwargs={"slug": lesson.slug}) + "#feedback"
    who = _("your mentor") if feedback.role == Feedback.Role.MENTOR else _("a cohort peer")
    subject = _("New feedback on your Your Turn: %(title)s") % {"title": lesson.title}
    # The comment itself is not in the e-mail: what is shared stays on the site.
    body = _(
        "Hello %(name)s,\n\n%(who)s (%(author)s) commented on the attempt you shared in “%(title)s”. "
        "Read it and answer here:\n%(url)s\n\n"
        "You get this because you share your work with your cohort; turn these e-mails off on your profile."
    ) % {"name": owner.name, "who": who.capitalize(), "author": feedback.author.name, "title": lesson.title, "url": url}
    transaction.on_commit(lambda: send_mail(subject, body, None, [owner.email]))


@transaction.atomic
def feedback_give(*, author: User, attempt_id: object, text: object) -> Feedback:
    """A mentor's or peer's comment on an attempt shared with them; one comment each, edited after.

    The owner cannot comment on their own attempt (they reply to comments).
    """
    access = selectors.attempt_for_viewer(viewer=author, attempt_id=attempt_id)
    if access.is_owner:
        raise ValidationError({"text": [_("Answer the comments on your attempt with a reply instead.")]})
    text = _text(text)
    existing = Feedback.objects.select_for_update().filter(
        attempt=access.attempt, author=author, reply_to__isnull=True
    ).first()
    if existing is not None:
        return _edit(existing, text)
    role = Feedback.Role.MENTOR if access.is_mentor else Feedback.Role.PEER
    feedback = Feedback.objects.create(attempt=access.attempt, author=author, role=role, text=text)
    _version(feedback)
    _notify(feedback)
    return feedback


def _edit(feedback: Feedback, text: str) -> Feedback:
    if feedback.text != text:
        feedback.text = text
        feedback.updated_at = timezone.now()
        feedback.save(update_fields=["text", "updated_at"])
        _version(feedback)
    return feedback


@transaction.atomic
def feedback_edit(*, author: User, feedback_id: object, text: object) -> Feedback:
    """Change one's own comment or reply; the earlier text is kept as a version."""
    feedback, _access = selectors.feedback_get(viewer=author, feedback_id=feedback_id)
    if feedback.author_id != author.pk:
        raise Http404("No such comment.")
    return _edit(feedback, _text(text))


@transaction.atomic
def feedback_reply(*, user: User, feedback_id: object, text: object) -> Feedback:
    """The student's answer to a comment on their attempt: one per comment (sending again edits it)."""
    comment, access = selectors.feedback_get(viewer=user, feedback_id=feedback_id)
    if not access.is_owner or comment.reply_to_id is not None:
        raise Http404("No such comment.")
    text = _text(text)
    existing = Feedback.objects.select_for_update().filter(reply_to=comment, role=Feedback.Role.STUDENT).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = Feedback.objects.create(
                    attempt=comment.attempt, author=user, role=Feedback.Role.STUDENT, reply_to=comment, text=text
                )
                _version(existing)
                return existing
        except IntegrityError:
            existing = Feedback.objects.get(reply_to=comment, role=Feedback.Role.STUDENT)
    return _edit(existing, text)


@transaction.atomic
def feedback_hide(*, mentor: User, feedback_id: object, hidden: bool = True) -> Feedback:
    """A mentor hides (or shows again) a peer's comment on an attempt shared with them. Nothing is deleted."""
    feedback, access = selectors.feedback_get(viewer=mentor, feedback_id=feedback_id)
    if not access.is_mentor:
        raise Http404("No such comment.")
    if feedback.role != Feedback.Role.PEER:
        raise ValidationError({"feedback": [_("Only a peer's comment can be hidden.")]})
    if hidden and feedback.hidden_at is None:
        feedback.hidden_at, feedback.hidden_by = timezone.now(), mentor
    elif not hidden:
        feedback.hidden_at, feedback.hidden_by = None, None
    feedback.save(update_fields=["hidden_at", "hidden_by"])
    return feedback


@transaction.atomic
def feedback_report(*, user: User, feedback_id: object, reason: object = "") -> FeedbackReport:
    """The student flags a peer's comment on their attempt for the mentors; once per comment."""
    feedback, access = selectors.feedback_get(viewer=user, feedback_id=feedback_id)
    if not access.is_owner or feedback.role != Feedback.Role.PEER:
        raise Http404("No such comment.")
    reason = _text(reason, name="reason", limit=REPORT_MAX_CHARS, required=False)
    report, _created = FeedbackReport.objects.get_or_create(
        feedback=feedback, reporter=user, defaults={"reason": reason}
    )
    return report
