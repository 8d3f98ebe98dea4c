"""Content as files: export → import → export is exact, imports are idempotent, and learners' records survive."""

import re
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.content_files import export_content, import_content
from assessments.models import PromptAnswer, Reflection, SkillCategory, SkillFramework, Turn, TurnStep
from lessons.models import FAQ, Lesson, LessonRevision, Module, Section, Track
from tests.api.conftest import ratings, words
from tests.factories import FAQFactory, SectionFactory
from tests.lessons.media_files import png_bytes, wav_bytes

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "assessments" / "demo" / "content"
LESSON_3 = "what-skills-does-a-music-producer-need"
DEMO_AUDIO_LESSON = "saying-what-you-hear"
LESSON_3_FILE = "tracks/core-track/why-learn-anything/03-what-skills-does-a-music-producer-need.md"


def files_of(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def writes_in(queries) -> list[str]:
    return [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q["sql"], re.IGNORECASE)]


def empty_the_course() -> None:
    """An empty database as far as content goes (nothing here has learners' records)."""
    Turn.objects.all().delete()
    Track.objects.all().delete()
    SkillFramework.objects.all().delete()
    assert not Lesson.objects.exists() and not SkillCategory.objects.exists()


def import_files(directory: Path, **options) -> str:
    out = StringIO()
    call_command("import_content", str(directory), stdout=out, **options)
    return out.getvalue()


def drop_part(text: str, marker_start: str) -> str:
    """The lesson file without the part whose marked heading starts with `marker_start`."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(marker_start))
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^#{1,2} .*\{.*\..*\}$", lines[i])), len(lines))
    return "\n".join(lines[:start] + lines[end:])


# --- Round trip ----------------------------------------------------------------------------


def test_export_import_export_of_the_demo_course_is_byte_identical(tmp_path):
    # The content only: load_demo's demo learners (e.g. a mentoring cohort) hold records that keep Turns.
    import_content(DEMO)
    first, second = tmp_path / "first", tmp_path / "second"
    export_content(first)
    empty_the_course()

    import_content(first)
    export_content(second)

    assert files_of(first) == files_of(second)
    assert LESSON_3_FILE in files_of(first)
    assert Lesson.objects.count() == len([name for name in files_of(first) if re.search(r"/\d\d-", name)])


def test_the_shipped_demo_folder_is_what_an_export_of_it_writes(tmp_path):
    """The demo files are in the exporter's own spelling, so editing and exporting never churns them."""
    import_content(DEMO)
    export_content(tmp_path / "export")

    assert files_of(tmp_path / "export") == files_of(DEMO)
    assert f"media/{DEMO_AUDIO_LESSON}/hear-it-dry.wav" in files_of(DEMO)


def test_awkward_text_survives_the_round_trip_exactly(tmp_path):
    import_content(DEMO)
    lesson = Lesson.objects.get(slug=LESSON_3)
    SectionFactory(lesson=lesson, position=20, heading='Use {curly} braces & "quotes"', anchor="awkward",
                   body_md="    indented code first\r\n\r\n## A sub-heading at level two\r\n\r\nTrailing spaces   ")
    warmup = Section.objects.get(lesson=lesson, anchor="warm-up")
    warmup.answer_label = "Skill area"
    warmup.save()
    FAQFactory(lesson=lesson, position=9, question="Does a backslash \\ survive?", answer_md="It does: \\*.")
    first, second = tmp_path / "first", tmp_path / "second"
    export_content(first)
    empty_the_course()

    import_content(first)
    export_content(second)

    assert files_of(first) == files_of(second)
    section = Section.objects.get(lesson__slug=LESSON_3, anchor="awkward")
    assert section.heading == 'Use {curly} braces & "quotes"'
    assert section.body_md.startswith("    indented code first\n")
    assert Section.objects.get(lesson__slug=LESSON_3, anchor="warm-up").answer_label == "Skill area"


# --- Idempotent, dry run, never accounts ---------------------------------------------------


def test_importing_the_same_files_twice_changes_nothing_and_writes_nothing():
    import_content(DEMO)
    counts = row_counts()
    versions = dict(Lesson.objects.values_list("slug", "content_version"))

    with CaptureQueriesContext(connection) as queries:
        plan = import_content(DEMO)

    assert not plan.has_changes
    assert plan.summary() == f"0 to create, 0 to change, 0 to archive, 0 to delete, {plan.unchanged} unchanged"
    assert writes_in(queries) == []
    assert row_counts() == counts
    assert dict(Lesson.objects.values_list("slug", "content_version")) == versions


def test_the_command_says_what_it_will_do_and_a_second_run_has_nothing_to_change():
    output = import_files(DEMO)

    assert f"create  lesson '{LESSON_3}' › section 'warm-up'" in output
    assert "Plan: " in output and "Done: " in output
    assert "Nothing to change." in import_files(DEMO)


def test_a_dry_run_lists_the_changes_and_writes_nothing():
    with CaptureQueriesContext(connection) as queries:
        output = import_files(DEMO, dry_run=True)

    assert f"create  lesson '{LESSON_3}'" in output
    assert "Nothing written." in output
    assert writes_in(queries) == []
    assert not Lesson.objects.exists() and not SkillFramework.objects.exists()


def test_import_never_creates_or_changes_accounts(student):
    users = list(get_user_model().objects.values_list("email", "password", "is_staff"))

    import_files(DEMO)

    assert list(get_user_model().objects.values_list("email", "password", "is_staff")) == users
    assert not get_user_model().objects.filter(email__in=["student@example.com", "author@example.com"]).exists()


# --- Removed parts: archived when learners' records point at them ---------------------------


def test_parts_removed_from_the_files_are_archived_when_students_wrote_to_them(tmp_path, student):
    import_content(DEMO)
    lesson = Lesson.objects.get(slug=LESSON_3)
    warmup = Section.objects.get(lesson=lesson, anchor="warm-up")
    turn = lesson.turn
    services.prompt_answers_save(user=student, section=warmup, answers=[{"text": "Mixing vocals"}])
    services.snapshot_record(user=student, turn=turn, ratings=ratings())
    patterns = turn.steps.get(key="reflection-2")
    services.reflection_save(user=student, step=patterns, text=words(45))
    export_content(tmp_path)
    path = tmp_path / LESSON_3_FILE
    text = path.read_text()
    for marker in ("## Warm-up: three skills", "## Where your attention went", "## Notice patterns",
                   "## Is it fine to be stronger"):
        text = drop_part(text, marker)
    path.write_text(text)
    framework_path = tmp_path / "frameworks" / "producer-skill-spectrum.toml"
    framework_path.write_text(framework_path.read_text().split('[[category]]\nslug = "personal"')[0].rstrip() + "\n")

    plan = import_content(tmp_path)

    done = {str(change) for change in plan.changes}
    assert f"archive lesson '{LESSON_3}' › section 'warm-up'" in done
    assert f"delete  lesson '{LESSON_3}' › section 'where-your-attention-went'" in done
    assert f"archive lesson '{LESSON_3}' › Your Turn › step 'reflection-2'" in done
    assert "archive framework 'producer-skill-spectrum' › category 'personal'" in done
    warmup.refresh_from_db()
    assert warmup.is_archived and PromptAnswer.objects.filter(section=warmup, user=student).count() == 1
    assert not Section.objects.filter(lesson=lesson, anchor="where-your-attention-went").exists()
    patterns.refresh_from_db()
    assert patterns.is_archived and Reflection.objects.filter(step=patterns, user=student).exists()
    assert SkillCategory.objects.get(framework__slug="producer-skill-spectrum", slug="personal").is_archived
    assert lesson.faqs.count() == 3
    # The archived parts are out of the files from now on, and a second import leaves them be.
    assert not import_content(tmp_path).has_changes


def test_a_part_put_back_in_the_files_is_restored_from_the_archive(tmp_path, student):
    import_content(DEMO)
    warmup = Section.objects.get(lesson__slug=LESSON_3, anchor="warm-up")
    services.prompt_answers_save(user=student, section=warmup, answers=[{"text": "Mixing vocals"}])
    export_content(tmp_path)
    path = tmp_path / LESSON_3_FILE
    original = path.read_text()
    path.write_text(drop_part(drop_part(original, "## Where your attention went"), "## Warm-up: three skills"))
    import_content(tmp_path)
    path.write_text(original)

    plan = import_content(tmp_path)

    warmup.refresh_from_db()
    assert f"restore lesson '{LESSON_3}' › section 'warm-up'" in {str(c) for c in plan.changes}
    assert not warmup.is_archived and warmup.answers.count() == 1


def test_renumbered_steps_keep_their_rows_by_key(tmp_path):
    import_content(DEMO)
    turn = Turn.objects.get(lesson__slug=LESSON_3)
    ids = dict(turn.steps.values_list("key", "pk"))
    export_content(tmp_path)
    path = tmp_path / LESSON_3_FILE
    text = path.read_text().replace("number=2 points=15", "number=9 points=15").replace("number=3 points=15",
                                                                                      "number=2 points=15")
    path.write_text(text.replace("number=9 points=15", "number=3 points=15"))

    import_content(tmp_path)

    assert list(turn.steps.order_by("number").values_list("number", "key", "pk")) == [
        (1, "rate-1", ids["rate-1"]), (2, "goals-3", ids["goals-3"]), (3, "reflection-2", ids["reflection-2"]),
    ]


def test_each_changed_lesson_gets_one_revision_per_import(tmp_path):
    import_content(DEMO)
    assert LessonRevision.objects.filter(lesson__slug=LESSON_3).count() == 1
    export_content(tmp_path)
    path = tmp_path / LESSON_3_FILE
    path.write_text(path.read_text().replace("Read at your own pace.", "Read slowly."))

    import_content(tmp_path)

    revisions = LessonRevision.objects.filter(lesson__slug=LESSON_3).order_by("number")
    assert [r.number for r in revisions] == [1, 2]
    assert "Read slowly." in revisions[1].text
    assert "“How to use this guide”" in revisions[1].summary
    assert LessonRevision.objects.exclude(lesson__slug=LESSON_3).filter(number=2).count() == 0


# --- Typos are errors that name the file -------------------------------------------------------


@pytest.mark.parametrize(
    ("find", "replace", "message"),
    [
        ('estimated_minutes = 25\n', 'estimted_minutes = 25\n', "unknown key(s) estimted_minutes"),
        ("answer_count=3", "answer_cont=3", "unknown key(s) answer_cont"),
        (".warmup_prompt", ".warmup", "kind 'warmup' is not one of"),
        ('framework = "producer-skill-spectrum"', 'framework = "no-such-framework"', "no skill framework"),
        ("{#rate-1 .rate number=1}", "{#rate-1 .rate}", "missing 'number'"),
    ],
)
def test_a_typo_in_a_lesson_file_is_an_error_naming_the_file(tmp_path, find, replace, message):
    import_content(DEMO)
    export_content(tmp_path)
    path = tmp_path / LESSON_3_FILE
    assert find in path.read_text()
    path.write_text(path.read_text().replace(find, replace, 1))
    versions = dict(Lesson.objects.values_list("slug", "content_version"))

    with pytest.raises(CommandError) as error:
        import_files(tmp_path)

    assert LESSON_3_FILE in str(error.value)
    assert message in str(error.value)
    assert dict(Lesson.objects.values_list("slug", "content_version")) == versions


def test_a_typo_in_a_framework_file_names_the_file_and_the_key(tmp_path):
    export_dir = tmp_path
    import_content(DEMO)
    export_content(export_dir)
    path = export_dir / "frameworks" / "studio-soft-skills.toml"
    path.write_text(path.read_text().replace("keywords =", "keywrods =", 1))

    with pytest.raises(CommandError, match=r"frameworks/studio-soft-skills.toml › category 1: unknown key\(s\) keywrods"):
        import_files(export_dir)


def test_export_removes_files_of_lessons_that_are_gone(tmp_path):
    import_content(DEMO)
    export_content(tmp_path)
    Lesson.objects.filter(slug="can-creativity-be-learned").update(slug="creativity-can-be-learned")

    export_content(tmp_path)

    names = files_of(tmp_path)
    assert "tracks/core-track/why-learn-anything/04-creativity-can-be-learned.md" in names
    assert "tracks/core-track/why-learn-anything/04-can-creativity-be-learned.md" not in names


def test_a_renamed_module_moves_its_folder_and_the_export_still_imports(tmp_path):
    import_content(DEMO)
    export_content(tmp_path)
    Module.objects.filter(slug="working-in-the-room").update(slug="in-the-room")

    export_content(tmp_path)

    assert not (tmp_path / "tracks" / "studio-culture" / "working-in-the-room").exists()
    assert (tmp_path / "tracks" / "studio-culture" / "in-the-room" / "01-working-with-artists.md").is_file()
    assert not import_content(tmp_path).has_changes


def test_every_step_kind_and_section_kind_round_trips(tmp_path):
    """A new kind cannot ship without the files carrying it."""
    import_content(DEMO)
    lesson = Lesson.objects.get(slug=LESSON_3)
    turn = lesson.turn
    for kind in TurnStep.Kind.values:
        TurnStep.objects.create(turn=turn, number=10 + TurnStep.Kind.values.index(kind), kind=kind, key=f"k-{kind}",
                                title=f"A {kind} step", body_md="Do it.")
    media = {
        Section.Kind.AUDIO: {"audio_file": ContentFile(wav_bytes(), name="tone.wav"),
                             "audio_description": "A steady 440 Hz tone.\nIt stops after a fifth of a second."},
        Section.Kind.IMAGE: {"image_file": ContentFile(png_bytes(), name="mixer.png"), "image_alt": "An orange block"},
    }
    for kind in Section.Kind.values:
        if kind != Section.Kind.RECALL:
            SectionFactory(lesson=lesson, kind=kind, heading=f"A {kind}", anchor=f"a-{kind}", position=50,
                           **media.get(kind, {}))
    lesson.publish_at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    lesson.save()
    first, second = tmp_path / "first", tmp_path / "second"
    export_content(first)
    empty_the_course()
    import_content(first)
    export_content(second)

    assert files_of(first) == files_of(second)
    assert files_of(first)[f"media/{LESSON_3}/a-audio.wav"] == wav_bytes()
    assert files_of(first)[f"media/{LESSON_3}/a-image.png"] == png_bytes()
    assert Lesson.objects.get(slug=LESSON_3).publish_at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    audio = Section.objects.get(lesson__slug=LESSON_3, anchor="a-audio")
    assert audio.audio_file.read() == wav_bytes() and audio.media_content_type == "audio/wav"
    assert audio.audio_description == "A steady 440 Hz tone.\nIt stops after a fifth of a second."
    assert Section.objects.get(lesson__slug=LESSON_3, anchor="a-image").image_alt == "An orange block"
    assert set(Lesson.objects.get(slug=LESSON_3).turn.steps.values_list("kind", flat=True)) == set(TurnStep.Kind.values)
    assert set(Section.objects.filter(lesson__slug=LESSON_3).values_list("kind", flat=True)) == set(Section.Kind.values)
    assert FAQ.objects.filter(lesson__slug=LESSON_3).count() == 4
    with CaptureQueriesContext(connection) as queries:
        assert not import_content(first).has_changes
    assert writes_in(queries) == []
