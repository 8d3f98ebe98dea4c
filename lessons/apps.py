from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons"

    def ready(self) -> None:
        # Reading progress and unlocks in "download my data" (accounts.exports).
        from . import exports  # noqa: F401
