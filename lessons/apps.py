from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons"

    def ready(self) -> None:
        # Reading progress and unlocks in "download my data" (accounts.exports).
        # A student's progress and unlocks move their state version (accounts.state).
        from accounts import state

        from . import exports  # noqa: F401
        from .models import LessonProgress, TrackUnlock

        for model in (LessonProgress, TrackUnlock):
            state.track(model)
