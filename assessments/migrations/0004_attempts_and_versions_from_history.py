"""Existing history into the new shape, losing nothing.

- every step gets its stable key (kind-number);
- each (student, Turn) gets one attempt per snapshot, in time order, or one
  attempt when the student only wrote; a reflection (one per step until now)
  joins the student's latest attempt on that Turn;
- each reflection's current text becomes its first kept version;
- ledger source keys name the lesson and step key instead of the step's row id.
The reverse undoes the key rewrite; attempts and versions are dropped with
their tables by the schema migration's reverse.
"""

from django.db import migrations


def forward(apps, schema_editor):
    TurnStep = apps.get_model("assessments", "TurnStep")
    TurnAttempt = apps.get_model("assessments", "TurnAttempt")
    SkillSnapshot = apps.get_model("assessments", "SkillSnapshot")
    Reflection = apps.get_model("assessments", "Reflection")
    ReflectionVersion = apps.get_model("assessments", "ReflectionVersion")
    PointsEntry = apps.get_model("assessments", "PointsEntry")

    steps = {}
    for step in TurnStep.objects.select_related("turn"):
        if not step.key:
            step.key = f"{step.kind}-{step.number}"
            step.save(update_fields=["key"])
        steps[step.pk] = step

    latest: dict[tuple[int, int], object] = {}
    counters: dict[tuple[int, int], int] = {}
    for snapshot in SkillSnapshot.objects.filter(turn__isnull=False).order_by("created_at", "id"):
        pair = (snapshot.user_id, snapshot.turn_id)
        counters[pair] = counters.get(pair, 0) + 1
        attempt = TurnAttempt.objects.create(
            user_id=snapshot.user_id, turn_id=snapshot.turn_id, number=counters[pair], started_at=snapshot.created_at
        )
        snapshot.attempt = attempt
        snapshot.save(update_fields=["attempt"])
        latest[pair] = attempt

    for reflection in Reflection.objects.order_by("created_at", "id"):
        step = steps[reflection.step_id]
        pair = (reflection.user_id, step.turn_id)
        attempt = latest.get(pair)
        if attempt is None:
            attempt = TurnAttempt.objects.create(
                user_id=reflection.user_id, turn_id=step.turn_id, number=1, started_at=reflection.created_at
            )
            latest[pair] = attempt
        reflection.attempt = attempt
        reflection.save(update_fields=["attempt"])
        ReflectionVersion.objects.create(
            reflection=reflection, text=reflection.text, word_count=reflection.word_count,
            created_at=reflection.updated_at,
        )

    for entry in PointsEntry.objects.filter(source_key__startswith="reflection-step:"):
        step = steps.get(int(entry.source_key.split(":", 1)[1]))
        if step is not None:
            entry.source_key = f"reflection:lesson-{step.turn.lesson_id}:{step.key}"
            entry.save(update_fields=["source_key"])


def backward(apps, schema_editor):
    TurnStep = apps.get_model("assessments", "TurnStep")
    PointsEntry = apps.get_model("assessments", "PointsEntry")
    by_key = {f"reflection:lesson-{s.turn.lesson_id}:{s.key}": s.pk for s in TurnStep.objects.select_related("turn")}
    for entry in PointsEntry.objects.filter(source_key__startswith="reflection:lesson-"):
        if entry.source_key in by_key:
            entry.source_key = f"reflection-step:{by_key[entry.source_key]}"
            entry.save(update_fields=["source_key"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_archive_attempts_versions_drafts")]

    operations = [migrations.RunPython(forward, backward)]
