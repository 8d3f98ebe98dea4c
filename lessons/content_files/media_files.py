"""Audio and image files of sections, between the storage API and a content folder.

A media section names its file by a path from the content folder's root; export
writes it as `media/<lesson-slug>/<anchor><ext>`, so the name follows from the
section and a re-export is byte-identical. Import checks the file as the admin
does (`lessons.media`: content type by its first bytes, size, required
description or alt text) and hands it to the storage API only when its bytes
differ from the stored file's (compared by SHA-256), so an unchanged folder
writes nothing, to the database or to storage.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from .. import media
from ..models import Section
from .syntax import FormatError

MEDIA_DIR = "media"
# The model's field and the attribute naming the file, and the field and attribute with its text, by kind.
FIELDS = {
    Section.Kind.AUDIO: ("audio_file", "audio", "audio_description", "description"),
    Section.Kind.IMAGE: ("image_file", "image", "image_alt", "alt"),
}
TYPE_SUFFIXES = {**media.AUDIO_TYPES, "image/jpeg": ".jpg", "image/png": ".png",
                 "image/gif": ".gif", "image/webp": ".webp"}


def _stored(section: Section):
    file_field = FIELDS.get(section.kind, (None,))[0]
    value = getattr(section, file_field) if file_field else None
    return value or None


def media_path(lesson_slug: str, section: Section) -> str:
    """Where export writes the section's file: `media/<lesson-slug>/<anchor><ext>` ("" when it has none)."""
    stored = _stored(section)
    if stored is None:
        return ""
    suffix = PurePosixPath(stored.name).suffix.lower() or TYPE_SUFFIXES.get(section.media_content_type, "")
    return f"{MEDIA_DIR}/{lesson_slug}/{section.anchor}{suffix}"


def stored_bytes(section: Section) -> bytes | None:
    """The stored file's bytes through the storage API (local disk or S3), or None when it is missing."""
    stored = _stored(section)
    if stored is None:
        return None
    try:
        with stored.storage.open(stored.name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def _same_as_stored(section: Section | None, data: bytes) -> bool:
    if section is None or _stored(section) is None:
        return False
    if section.media_size is not None and section.media_size != len(data):
        return False  # no need to read the stored file
    stored = stored_bytes(section)
    return stored is not None and hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()


def _resolve(root: Path, path: str, where: str) -> Path:
    """The file `path` names inside the content folder; never a path that leaves it."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or "\\" in path:
        raise FormatError(f"{where}: the path must stay inside the content folder, like {MEDIA_DIR}/<lesson-slug>/<name>.")
    resolved = root.joinpath(*relative.parts)
    if not resolved.is_file():
        raise FormatError(f"{where}: no such file in the content folder.")
    return resolved


def section_media_values(doc, *, kind: str, anchor: str, lesson_slug: str, current: Section | None,
                         root: Path | None, where: str) -> dict[str, Any]:
    """The media fields of a section from its document: the text always, the file only when its bytes changed.

    Errors name the file and the attribute (`audio=…`, `description=`). Without
    a `root` (a revert, a document import) the section keeps its stored file.
    """
    file_field, file_attr, text_field, text_attr = FIELDS[kind]
    text = doc.description if kind == Section.Kind.AUDIO else doc.alt
    if not text.strip():
        reason = ("describe what is heard, for students who cannot hear it" if kind == Section.Kind.AUDIO
                  else "say what the image shows, for students who cannot see it")
        raise FormatError(f'{where}: {text_attr}="…" is required: {reason}.')
    values: dict[str, Any] = {text_field: text}
    here = f"{where}: {file_attr}={doc.media}"
    if root is None:
        if current is None or _stored(current) is None or current.kind != kind:
            raise FormatError(f"{here}: media files are read from a content folder (manage.py import_content).")
        return values
    data = _resolve(Path(root), doc.media, here).read_bytes()
    upload = ContentFile(data, name=f"{anchor}{PurePosixPath(doc.media).suffix.lower()}")
    try:
        if kind == Section.Kind.AUDIO:
            media.check_audio(upload, field=file_field)
        else:
            media.check_image(upload, field=file_field)
    except ValidationError as error:
        raise FormatError(f"{here}: {' '.join(error.messages)}") from error
    if current is None or current.kind != kind or not _same_as_stored(current, data):
        upload.seek(0)
        values[file_field] = upload
    return values


def check_export_target(directory: Path) -> None:
    """Refuse an export whose `media/` folder would overlap the local media storage (it would delete uploads)."""
    from django.core.files.storage import default_storage

    location = getattr(default_storage, "location", None)
    if not location:
        return  # object storage: nothing on this disk to overwrite
    target, stored = (Path(directory) / MEDIA_DIR).resolve(), Path(location).resolve()
    if target == stored or target in stored.parents or stored in target.parents:
        raise FormatError(f"{directory}: its {MEDIA_DIR}/ folder overlaps the media storage ({stored}); "
                          "export to another folder.")


def export_media(lesson_slug: str, sections, directory: Path) -> dict[Path, bytes]:
    """The files of a lesson's live media sections, keyed by where export writes them."""
    files: dict[Path, bytes] = {}
    for section in sections:
        path = media_path(lesson_slug, section)
        if not path:
            continue
        data = stored_bytes(section)
        if data is None:
            raise FormatError(f"lesson '{lesson_slug}' › section '{section.anchor}': its file "
                              f"{_stored(section).name} is missing from storage.")
        files[directory.joinpath(*PurePosixPath(path).parts)] = data
    return files
