"""Checks for the files authors upload to audio and image sections.

The browser's declared content type is not trusted: the first bytes of the
file decide what it is (and a declared type, when given, must agree). An image
must also open as one. Files are stored through Django's storage API, so the
same code writes to local disk or to an S3-compatible bucket (see settings).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext_lazy as _

AUDIO_MAX_BYTES = 20 * 1024 * 1024
IMAGE_MAX_BYTES = 5 * 1024 * 1024

# What students' browsers can play, by container.
AUDIO_TYPES = {
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/wav": ".wav",
    "audio/mp4": ".m4a",
}
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
# Browsers name some types differently; these mean the same container.
AUDIO_ALIASES = {
    "audio/mp3": "audio/mpeg", "audio/x-wav": "audio/wav", "audio/wave": "audio/wav", "audio/vnd.wave": "audio/wav",
    "audio/x-m4a": "audio/mp4", "audio/m4a": "audio/mp4", "audio/aac": "audio/mp4", "application/ogg": "audio/ogg",
    "audio/vorbis": "audio/ogg", "audio/opus": "audio/ogg",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None


def _error(field: str, message, code: str) -> ValidationError:
    """An error on the named form field, with a code tests and clients can rely on."""
    return ValidationError({field: ValidationError(message, code=code)})


def _head(file: File, length: int = 64) -> bytes:
    file.seek(0)
    head = file.read(length)
    file.seek(0)
    return head


def sniff_audio(head: bytes) -> str | None:
    """The audio content type the first bytes show, or None."""
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    return None


def check_audio(file: File, *, field: str = "audio_file") -> CheckedFile:
    """An MP3, Ogg, WAV or M4A file of at most 20 MB, or a ValidationError naming `field`."""
    size = file.size or 0
    if size > AUDIO_MAX_BYTES:
        raise _error(field, _("The audio file is %(mb).1f MB; 20 MB at most.") % {"mb": size / 1024 / 1024}, "too_large")
    if size == 0:
        raise _error(field, _("The audio file is empty."), "empty")
    sniffed = sniff_audio(_head(file))
    declared = getattr(file, "content_type", None)
    declared = AUDIO_ALIASES.get(declared, declared)
    if sniffed is None:
        raise _error(field, _("This is not an audio file students can play: upload an MP3, Ogg, WAV or M4A file."), "not_audio")
    if declared and declared != "application/octet-stream" and declared != sniffed:
        raise _error(field, _("The file says it is %(declared)s but its content is %(actual)s.")
             % {"declared": declared, "actual": sniffed}, "type_mismatch")
    return CheckedFile(content_type=sniffed, size=size)


def check_image(file: File, *, field: str = "image_file") -> CheckedFile:
    """A JPEG, PNG, GIF or WebP image of at most 5 MB that opens as one, or a ValidationError naming `field`."""
    from PIL import Image, UnidentifiedImageError

    size = file.size or 0
    if size > IMAGE_MAX_BYTES:
        raise _error(field, _("The image is %(mb).1f MB; 5 MB at most.") % {"mb": size / 1024 / 1024}, "too_large")
    try:
        file.seek(0)
        with Image.open(file) as image:
            image.verify()
            kind, width, height = image.format, image.width, image.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _error(field, _("This file is not an image: upload a JPEG, PNG, GIF or WebP file."), "not_image") from None
    finally:
        file.seek(0)
    if kind not in IMAGE_TYPES:
        raise _error(field, _("Upload a JPEG, PNG, GIF or WebP image."), "image_type")
    return CheckedFile(content_type=IMAGE_TYPES[kind], size=size, width=width, height=height)


def is_new_upload(field_file) -> bool:
    """True for a file just uploaded (not yet in storage), False for one already stored or none."""
    return bool(field_file) and not getattr(field_file, "_committed", True)
