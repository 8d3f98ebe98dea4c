from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Your Turn and skills"

    def ready(self) -> None:
        # Registered at start-up, so the apps below never import this one:
        # - guide: the Guide page (lessons) asks providers for the data of section
        #   kinds it does not own, such as warm-up prompts and recalls;
        # - exports: answers, snapshots, reflections, completions and the ledger
        #   in "download my data" (accounts.exports);
        # - content_files: lesson files include the Your Turn, read and written through
        #   the part it registers with lessons' content files;
        # - duplicating a lesson in the admin copies its Your Turn too.
        from lessons.services import register_lesson_copier

        from . import content_files, exports, guide  # noqa: F401
        from .services import turn_copy

        register_lesson_copier(turn_copy)

        # Everything a student writes moves their state version (accounts.state);
        # ratings and reflection versions are written with their snapshot or reflection.
        from accounts import state

        from . import models

        # A Turn's attempts, ratings, reflections and drafts show in their lesson's answers only.
        for model in (models.TurnAttempt, models.SkillSnapshot, models.Reflection, models.Draft):
            state.track(model, lesson_local=True)
        for model in (models.PromptAnswer, models.TurnCompletion, models.PointsEntry):
            state.track(model)
