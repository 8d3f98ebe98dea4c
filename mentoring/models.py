"""Cohorts, mentors, what students share with them, and the feedback on it.

Nothing here is visible to anyone but its owner unless the owner shared it:
a `Share` row per attempt says with whom (their cohorts' mentors, their cohort
peers, or both). Feedback and its history are append-only: an edit adds a
`FeedbackVersion`, a mentor hides a peer comment instead of deleting it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import TurnAttempt

MENTORS_GROUP = "Mentors"
MENTOR_PERMISSION = "mentoring.mentor_cohorts"
FEEDBACK_MAX_CHARS = 4_000
REPORT_MAX_CHARS = 500


def new_invite_code() -> str:
    """Ten URL-safe characters: unguessable enough for an invite, short enough to read out."""
    return secrets.token_urlsafe(8)[:10]


class CohortQuerySet(models.QuerySet):
    def mentored_by(self, user) -> "CohortQuerySet":
        if not user.is_authenticated or not user.has_perm(MENTOR_PERMISSION):
            return self.none()
        return self.filter(mentors=user)


class Cohort(models.Model):
    """A group of students learning together, with one or more mentors and an invite code."""

    name = models.CharField(_("name"), max_length=120)
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="mentored_cohorts", blank=True, verbose_name=_("mentors"),
        help_text=_("People with the mentor role (the “Mentors” group). Mentors are not staff: no admin access."),
    )
    invite_code = models.CharField(_("invite code"), max_length=32, unique=True, default=new_invite_code)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        permissions = [("mentor_cohorts", "Can mentor the cohorts they are assigned to")]

    def __str__(self) -> str:
        return self.name

    @property
    def invite_path(self) -> str:
        return reverse("mentoring:join", kwargs={"code": self.invite_code})

    def get_absolute_url(self) -> str:
        return reverse("mentoring:cohort", kwargs={"pk": self.pk})


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(left_at__isnull=True)


class Membership(models.Model):
    """A student in a cohort. Leaving keeps the row (left_at); joining again adds a new one."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"], condition=Q(left_at__isnull=True), name="mentoring_one_active_membership"
            ),
        ]
        indexes = [models.Index(fields=["user", "left_at"], name="mentoring_member_by_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"


class Share(models.Model):
    """Who may read one attempt (its ratings and reflections) besides its owner."""

    attempt = models.OneToOneField(TurnAttempt, on_delete=models.CASCADE, related_name="share")
    with_mentors = models.BooleanField(_("shared with my cohort's mentors"), default=False)
    with_peers = models.BooleanField(_("shared with my cohort peers"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.attempt}: mentors={self.with_mentors} peers={self.with_peers}"


class Feedback(models.Model):
    """A comment on a shared attempt, by a mentor or a peer; or the student's one reply to a comment.

    `text` is the current version; every version, the first included, is a
    `FeedbackVersion` row. A hidden peer comment stays in the database.
    """

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        PEER = "peer", _("Peer")
        STUDENT = "student", _("Student (reply)")

    attempt = models.ForeignKey(TurnAttempt, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_written")
    role = models.CharField(max_length=10, choices=Role.choices)
    reply_to = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["attempt", "created_at", "id"]
        constraints = [
            # A student answers each comment once (they may edit the answer, which keeps versions).
            models.UniqueConstraint(fields=["reply_to"], condition=Q(role="student"), name="mentoring_one_reply"),
            models.CheckConstraint(
                condition=Q(reply_to__isnull=True, role__in=["mentor", "peer"])
                | Q(reply_to__isnull=False, role="student"),
                name="mentoring_reply_is_by_student",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), FEEDBACK_MAX_CHARS), name="mentoring_feedback_max_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} on {self.attempt}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class FeedbackVersion(models.Model):
    """One saved version of a comment or reply (append-only)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="versions")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["feedback", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback} @ {self.created_at:%Y-%m-%d %H:%M}"


class FeedbackReport(models.Model):
    """A student telling the mentors that a peer's comment on their attempt is not OK."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=REPORT_MAX_CHARS, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "reporter"], name="mentoring_report_once"),
        ]

    def __str__(self) -> str:
        return f"report on {self.feedback_id} by {self.reporter_id}"


class FeedbackGuidance(models.Model):
    """What the lesson says about giving feedback, shown beside a peer's comment box."""

    turn = models.OneToOneField("assessments.Turn", on_delete=models.CASCADE, related_name="feedback_guidance")
    guidance_md = models.TextField(
        _("guidance on giving feedback (Markdown)"),
        help_text=_("Shown beside the comment box when a peer comments on an attempt of this Your Turn."),
    )
    guidance_html = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("feedback guidance")
        verbose_name_plural = _("feedback guidance")

    def __str__(self) -> str:
        return f"Feedback guidance for {self.turn}"

    def save(self, *args, **kwargs) -> None:
        from lessons.markdown import render_markdown

        # Derived field: the sanitised HTML of the Markdown, computed once here.
        self.guidance_html = render_markdown(self.guidance_md)
        super().save(*args, **kwargs)
