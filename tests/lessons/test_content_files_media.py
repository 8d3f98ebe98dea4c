"""Audio and image sections in the content files: checked like uploads, stored only when their bytes change."""

import shutil
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from assessments.content_files import export_content, import_content
from lessons.content_files.syntax import FormatError
from lessons.models import Lesson, Section
from tests.lessons.media_files import png_bytes, wav_bytes

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "assessments" / "demo" / "content"
SLUG = "saying-what-you-hear"
LESSON_FILE = "tracks/studio-culture/working-in-the-room/02-saying-what-you-hear.md"
DRY = f"media/{SLUG}/hear-it-dry.wav"


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEMO, target)
    return target


def stored_names() -> list[str]:
    root = Path(default_storage.location)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def edit(folder: Path, find: str, replace: str) -> None:
    path = folder / LESSON_FILE
    assert find in path.read_text()
    path.write_text(path.read_text().replace(find, replace, 1))


def import_cmd(folder: Path, **options) -> None:
    from io import StringIO

    call_command("import_content", str(folder), stdout=StringIO(), **options)


def test_the_demo_lesson_has_two_playable_audio_sections_with_descriptions(folder):
    import_content(folder)

    sections = Section.objects.filter(lesson__slug=SLUG, kind=Section.Kind.AUDIO).order_by("position")

    assert [s.anchor for s in sections] == ["hear-it-dry", "hear-it-compressed"]
    for section in sections:
        assert section.media_content_type == "audio/wav"
        assert len(section.audio_description) > 100
        assert section.audio_file.read() == (folder / f"media/{SLUG}/{section.anchor}.wav").read_bytes()


def test_a_second_import_stores_no_file_and_a_dry_run_stores_none(folder):
    import_cmd(folder, dry_run=True)
    assert stored_names() == []

    import_content(folder)
    first = stored_names()
    assert len(first) == 2

    assert not import_content(folder).has_changes
    assert stored_names() == first


def test_a_changed_file_is_stored_again_and_its_section_changes(folder):
    import_content(folder)
    before = Section.objects.get(lesson__slug=SLUG, anchor="hear-it-dry")
    version = Lesson.objects.get(slug=SLUG).content_version
    (folder / DRY).write_bytes(wav_bytes(seconds=0.5))

    plan = import_content(folder)

    assert [str(c) for c in plan.changes] == [f"change  lesson '{SLUG}' › section 'hear-it-dry' (audio_file)"]
    after = Section.objects.get(pk=before.pk)
    assert after.audio_file.read() == wav_bytes(seconds=0.5) and after.media_size == len(wav_bytes(seconds=0.5))
    assert Lesson.objects.get(slug=SLUG).content_version > version


def test_export_writes_each_file_once_and_removes_files_of_sections_that_are_gone(folder, tmp_path):
    import_content(folder)
    out = tmp_path / "export"
    export_content(out)
    (out / DRY).touch()
    mtime = (out / f"media/{SLUG}/hear-it-compressed.wav").stat().st_mtime_ns
    Section.objects.filter(lesson__slug=SLUG, anchor="hear-it-dry").delete()

    export_content(out)

    assert not (out / DRY).exists()
    assert (out / f"media/{SLUG}/hear-it-compressed.wav").stat().st_mtime_ns == mtime


def test_an_export_over_the_media_storage_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    with pytest.raises(FormatError, match="overlaps the media storage"):
        export_content(tmp_path)


@pytest.mark.parametrize(
    ("find", "replace", "message"),
    [
        (f"audio={DRY}", f"audio=media/{SLUG}/missing.wav", f"audio=media/{SLUG}/missing.wav: no such file"),
        (f"audio={DRY}", "audio=../secrets.wav", "audio=../secrets.wav: the path must stay inside the content folder"),
        (f"audio={DRY}", f"audio=media/{SLUG}/picture.png", "not an audio file"),
        ('description="A voice-like', 'description="" x="A voice-like', "unknown key(s) x"),
        (f"audio={DRY} ", "", "a .audio section names its file: audio="),
        (".audio audio=", ".prose audio=", "'audio=' belongs to .audio sections, not .prose"),
    ],
)
def test_a_bad_media_reference_is_an_error_naming_the_file_and_the_attribute(folder, find, replace, message):
    (folder / f"media/{SLUG}/picture.png").write_bytes(png_bytes())
    edit(folder, find, replace)

    with pytest.raises(CommandError) as error:
        import_cmd(folder, dry_run=True)

    assert LESSON_FILE in str(error.value)
    assert message in str(error.value)
    assert stored_names() == [] and not Lesson.objects.exists()


def test_an_audio_section_without_a_description_is_refused(folder):
    path = folder / LESSON_FILE
    text = path.read_text()
    start = text.index('description="A voice-like')
    end = text.index('"}', start)
    path.write_text(text[:start] + 'description=""' + text[end + 1:])

    with pytest.raises(CommandError, match=r'section \'hear-it-dry\': description="…" is required'):
        import_cmd(folder)


def test_publish_at_round_trips_as_a_utc_moment(folder, tmp_path):
    edit(folder, 'status = "published"\n', 'status = "published"\npublish_at = 2027-01-04T10:00:00+01:00\n')

    import_content(folder)
    export_content(tmp_path / "export")

    assert Lesson.objects.get(slug=SLUG).is_scheduled
    assert 'publish_at = 2027-01-04T09:00:00Z\n' in (tmp_path / "export" / LESSON_FILE).read_text()


def test_a_publish_at_without_an_offset_is_refused(folder):
    edit(folder, 'status = "published"\n', 'status = "published"\npublish_at = 2027-01-04T10:00:00\n')

    with pytest.raises(CommandError, match="publish_at' must be a date and time with its offset"):
        import_cmd(folder)
