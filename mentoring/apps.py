from django.apps import AppConfig
from django.core.exceptions import ObjectDoesNotExist


def _attempt_owner(row) -> int | None:
    try:
        return row.attempt.user_id
    except ObjectDoesNotExist:  # deleted with its attempt
        return None


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Cohorts and mentoring"

    def ready(self) -> None:
        # The Your Turn and skills pages (assessments) show panels that other apps
        # register; mentoring adds sharing controls and feedback there, so
        # assessments never imports mentoring.
        from accounts import state

        from . import panels  # noqa: F401
        from .models import Feedback, Membership, Share

        # Cohorts joined, what is shared and the feedback on it belong to the student (accounts.state).
        state.track(Membership)
        for model in (Share, Feedback):
            state.track(model, _attempt_owner)

    def load_demo_data(self, *, tally) -> list[str]:
        """Called by `manage.py load_demo`: the demo cohort and mentor; returns login lines to print."""
        from .demo import load_demo_cohort

        return load_demo_cohort(tally=tally)
