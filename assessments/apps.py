from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Your Turn and skills"

    def ready(self) -> None:
        # Registered at start-up, so the apps below never import this one:
        # - guide: the Guide page (lessons) asks providers for the data of section
        #   kinds it does not own, such as warm-up prompts and recalls;
        # - exports: answers, snapshots, reflections, completions and the ledger
        #   in "download my data" (accounts.exports).
        from . import exports, guide  # noqa: F401
