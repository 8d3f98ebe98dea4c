from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Your Turn and skills"

    def ready(self) -> None:
        # The Guide page (lessons) asks registered providers for the data of
        # section kinds it does not own, such as warm-up prompts and recalls.
        from . import guide  # noqa: F401
