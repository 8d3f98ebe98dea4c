from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Your Turn and skills"

    def ready(self) -> None:
        # The Guide page (lessons) asks registered providers for the data of
        # section kinds it does not own, such as warm-up prompts and recalls.
        # Lesson files include the Your Turn: lessons' content files read and
        # write it through the part `content_files` registers.
        from . import content_files, guide  # noqa: F401
