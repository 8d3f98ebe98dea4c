"""Audio examples and images: uploads checked by their content, required descriptions, their template and API shape."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import get_template
from rest_framework.test import APIClient

from lessons import media
from lessons.models import Section
from lessons.services import content_changed
from tests.factories import SectionFactory
from tests.lessons.media_files import png_upload, wav_bytes, wav_upload

pytestmark = pytest.mark.django_db


def media_section(lesson, kind: str, **fields) -> Section:
    section = Section(lesson=lesson, kind=kind, heading=f"A {kind}", position=9, **fields)
    section.full_clean()
    section.save()
    content_changed(parts=[section])
    return section


@pytest.fixture
def lesson(make_lesson):
    return make_lesson(sections=1, faqs=0, cards=0, title="Compression", number=4)


@pytest.mark.parametrize("kind", Section.Kind.values)
def test_every_section_kind_has_its_template_and_shows_on_the_guide_and_in_the_api(kind, lesson, student, student_client):
    """A new kind cannot ship without its template and its API representation."""
    fields = {"body_md": f"The {kind} section body."}
    if kind == Section.Kind.AUDIO:
        fields.update(audio_file=wav_upload(), audio_description="A kick drum, dry then compressed.")
    elif kind == Section.Kind.IMAGE:
        fields.update(image_file=png_upload(), image_alt="A compressor's gain-reduction meter.")
    elif kind == Section.Kind.RECALL:
        fields.update(recall_of=SectionFactory(lesson=lesson, kind=Section.Kind.WARMUP_PROMPT, position=8))
    section = media_section(lesson, kind, **fields)

    assert get_template(section.template_name)
    page = student_client.get(lesson.get_absolute_url()).content.decode()
    api = APIClient()
    api.force_authenticate(student)
    data = next(s for s in api.get(f"/api/v1/lessons/{lesson.slug}/").json()["sections"] if s["id"] == section.pk)

    assert f"A {kind}" in page
    assert data["kind"] == kind
    assert (data["audio"] is not None) == (kind == Section.Kind.AUDIO)
    assert (data["image"] is not None) == (kind == Section.Kind.IMAGE)


def test_an_audio_example_plays_on_demand_with_its_description(lesson, student, student_client, client):
    section = media_section(lesson, Section.Kind.AUDIO, audio_file=wav_upload(),
                            audio_description="Dry vocal, then the same phrase compressed 4:1.")

    page = student_client.get(lesson.get_absolute_url()).content.decode()
    api = APIClient()
    api.force_authenticate(student)
    audio = next(s for s in api.get(f"/api/v1/lessons/{lesson.slug}/").json()["sections"] if s["id"] == section.pk)["audio"]

    assert '<audio controls preload="none"' in page
    assert "Dry vocal, then the same phrase compressed 4:1." in page
    assert audio == {"url": section.audio_file.url, "content_type": "audio/wav", "size": len(wav_bytes()),
                     "description": "Dry vocal, then the same phrase compressed 4:1."}
    served = client.get(audio["url"])
    assert served.status_code == 200 and b"".join(served.streaming_content) == wav_bytes()


def test_an_image_has_its_alt_text_and_size(lesson, student_client):
    section = media_section(lesson, Section.Kind.IMAGE, image_file=png_upload(), image_alt="The meter at -6 dB.")

    page = student_client.get(lesson.get_absolute_url()).content.decode()

    assert f'<img src="{section.image_file.url}" alt="The meter at -6 dB."' in page
    assert (section.media_width, section.media_height, section.media_content_type) == (8, 6, "image/png")


@pytest.mark.parametrize(("kind", "missing", "field"), [
    ("audio", {"audio_description": ""}, "audio_description"),
    ("audio", {"audio_file": None}, "audio_file"),
    ("image", {"image_alt": "  "}, "image_alt"),
    ("image", {"image_file": None}, "image_file"),
])
def test_a_media_section_needs_its_file_and_its_words(lesson, kind, missing, field):
    fields = ({"audio_file": wav_upload(), "audio_description": "Heard."} if kind == "audio"
              else {"image_file": png_upload(), "image_alt": "Seen."})
    fields.update({k: v for k, v in missing.items() if v is not None})
    for key, value in missing.items():
        if value is None:
            fields.pop(key)
    with pytest.raises(ValidationError) as error:
        Section(lesson=lesson, kind=kind, heading="x", **fields).full_clean()
    assert field in error.value.message_dict


@pytest.mark.parametrize(("upload", "code"), [
    (SimpleUploadedFile("notes.mp3", b"just some text, not sound", content_type="audio/mpeg"), "not_audio"),
    (SimpleUploadedFile("kick.mp3", wav_bytes(), content_type="audio/mpeg"), "type_mismatch"),
    (SimpleUploadedFile("empty.wav", b"", content_type="audio/wav"), "empty"),
])
def test_audio_is_checked_by_its_content_not_its_name(upload, code):
    with pytest.raises(ValidationError) as error:
        media.check_audio(upload)
    assert error.value.error_dict["audio_file"][0].code == code


@pytest.mark.parametrize(("head", "expected"), [
    (b"ID3\x04\x00", "audio/mpeg"), (b"\xff\xfb\x90\x00", "audio/mpeg"), (b"OggS\x00\x02", "audio/ogg"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"), (b"\x00\x00\x00\x20ftypM4A ", "audio/mp4"), (b"%PDF-1.7", None),
])
def test_the_four_audio_containers_are_recognised(head, expected):
    assert media.sniff_audio(head) == expected


def test_audio_over_20_mb_is_refused_and_20_mb_is_accepted():
    exactly = SimpleUploadedFile("long.wav", wav_bytes(), content_type="audio/wav")
    exactly.size = media.AUDIO_MAX_BYTES
    assert media.check_audio(exactly).content_type == "audio/wav"
    over = SimpleUploadedFile("long.wav", wav_bytes(), content_type="audio/wav")
    over.size = media.AUDIO_MAX_BYTES + 1
    with pytest.raises(ValidationError) as error:
        media.check_audio(over)
    assert error.value.error_dict["audio_file"][0].code == "too_large"


def test_a_file_named_like_an_image_that_is_not_one_is_refused():
    with pytest.raises(ValidationError) as error:
        media.check_image(SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png"))
    assert error.value.error_dict["image_file"][0].code == "not_image"
