"""The student (and author) account: e-mail login plus the profile fields lessons use."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class ProducerPath(models.TextChoices):
    SOLO = "solo", _("Solo creative work")
    COLLABORATION = "collaboration", _("Collaborating with artists")
    CLIENT = "client", _("Client work")
    AUDIENCE = "audience", _("Building an audience")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


# The account's own fields are shown by every lesson's answers: a save moves both versions.
VERSIONS = ("state_version", "shared_version")


class User(AbstractUser):
    """A person who signs in with an e-mail address.

    `depth_points` is a cached copy of the sum of the user's ledger rows
    (assessments.PointsEntry); it is only changed in the same transaction that
    appends a ledger row.

    `state_version` moves whenever anything of the student's own changes, and
    `shared_version` whenever something changes that more than one lesson's
    answers show (`accounts.state`), in the same transaction as the change;
    cached read answers key on them. An ordinary `save()` never writes them, so
    a user object loaded before a change cannot put an older number back.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    definition_of_success = models.TextField(
        _("definition of success"),
        blank=True,
        max_length=2000,
        help_text=_("What success as a producer looks like for you, in your own words."),
    )
    producer_path = models.CharField(
        _("producer path"), max_length=20, choices=ProducerPath.choices, blank=True
    )
    reminders_opt_in = models.BooleanField(
        _("e-mail me when a skills retake is due"), default=False
    )
    feedback_email_opt_in = models.BooleanField(
        _("e-mail me when a mentor or peer comments on what I shared"), default=True
    )
    depth_points = models.PositiveIntegerField(_("Depth points"), default=0, editable=False)
    state_version = models.PositiveBigIntegerField(default=0, editable=False)
    shared_version = models.PositiveBigIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        if self._state.adding or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            return
        # A change of the account is a change of the student's state: the version moves in
        # the same UPDATE, computed by the database, never written back from this object.
        fields = kwargs.get("update_fields")
        if fields is not None and not fields:
            return  # nothing to write: Django's own save() would write nothing either
        if fields is None:
            fields = [f.name for f in self._meta.concrete_fields if not f.primary_key]
        kwargs["update_fields"] = {*fields, *VERSIONS}
        for name in VERSIONS:
            setattr(self, name, models.F(name) + 1)
        try:
            super().save(*args, **kwargs)
        finally:
            # Read again from the database if anything asks for them.
            for name in VERSIONS:
                self.__dict__.pop(name, None)

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class LessonVersion(models.Model):
    """A student's version of what only one lesson's answers show (`accounts.state`).

    Their rating, reflections and drafts in a lesson's Your Turn appear in that
    lesson's detail and Guide and nowhere else among the cached answers, so a
    change to them moves this row (and `User.state_version`) but leaves the
    student's other lessons' answers cached.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="accounts_lessonversion_user_lesson_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.lesson_id}:{self.version}"


class Session(AbstractBaseSession):
    """A login (the web's cookie or the app's X-Session-Token), with its user's id in a column of its own.

    The column lets the session and its user be read in one query
    (`accounts.sessions`). It is a plain index, not a constraint: a session is
    only a claim, checked against the user row on every read, as Django does.
    """

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls):
        from django.conf import settings
        from django.utils.module_loading import import_string

        return import_string(f"{settings.SESSION_ENGINE}.SessionStore")

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
