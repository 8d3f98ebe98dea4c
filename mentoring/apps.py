from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Cohorts and mentoring"

    def ready(self) -> None:
        # The Your Turn and skills pages (assessments) show panels that other apps
        # register; mentoring adds sharing controls and feedback there, so
        # assessments never imports mentoring.
        from . import panels  # noqa: F401

    def load_demo_data(self, *, tally) -> list[str]:
        """Called by `manage.py load_demo`: the demo cohort and mentor; returns login lines to print."""
        from .demo import load_demo_cohort

        return load_demo_cohort(tally=tally)
