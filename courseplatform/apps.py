from django.apps import AppConfig


class CourseplatformConfig(AppConfig):
    """The project's plumbing as an app, so it can own models (idempotency records) and commands."""

    name = "courseplatform"
    verbose_name = "Platform plumbing"
    default_auto_field = "django.db.models.BigAutoField"
