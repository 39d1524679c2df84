"""Checking an uploaded file is what it claims to be: PNG, JPEG or PDF, judged by its content."""

import uuid
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

TYPES = {
    "image/png": {"label": "PNG image", "extensions": {".png"}},
    "image/jpeg": {"label": "JPEG image", "extensions": {".jpg", ".jpeg"}},
    "application/pdf": {"label": "PDF", "extensions": {".pdf"}},
}


def check_upload(upload) -> str:
    """The content type of a valid upload; ValidationError with a plain reason otherwise."""
    name = upload.name or "file"
    limit = settings.APPEAL_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"{name} is larger than {limit // (1024 * 1024)} MB.")
    if upload.size == 0:
        raise ValidationError(f"{name} is empty.")
    data = _read_all(upload)
    guessed = filetype.guess(data[:8192])
    mime = guessed.mime if guessed else None
    if mime not in TYPES:
        raise ValidationError(f"{name} is not a PNG, JPEG or PDF file. Attach a screenshot or a PDF.")
    extension = PurePath(name).suffix.lower()
    if extension not in TYPES[mime]["extensions"]:
        raise ValidationError(
            f"{name} is a {TYPES[mime]['label']} but its name says otherwise. Rename it and try again."
        )
    if not _opens_as(mime, data):
        raise ValidationError(f"{name} looks like a {TYPES[mime]['label']} but cannot be opened: it may be damaged.")
    return mime


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _opens_as(mime: str, data: bytes) -> bool:
    """A structural check that the file is whole, without a decoder library."""
    if mime == "image/png":
        return data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and b"IEND" in data[-32:]
    if mime == "image/jpeg":
        return data.startswith(b"\xff\xd8\xff") and b"\xff\xd9" in data[-64:]
    if mime == "application/pdf":
        return data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]
    return False


def stored_name(mime: str) -> str:
    """Files are stored under a name derived from their content type, never the uploader's name."""
    return f"{uuid.uuid4().hex}.{sorted(TYPES[mime]['extensions'])[-1].lstrip('.')}"
