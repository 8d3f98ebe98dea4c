from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Your Turn and skills"

    def ready(self) -> None:
        # The Guide page (lessons) asks registered providers for the data of
        # section kinds it does not own, such as warm-up prompts and recalls.
        # Duplicating a lesson in the admin copies its Your Turn too.
        from lessons.services import register_lesson_copier

        from . import guide  # noqa: F401
        from .services import turn_copy

        register_lesson_copier(turn_copy)
