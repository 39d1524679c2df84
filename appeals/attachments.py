"""Checking an uploaded file is what it claims to be (PNG, JPEG or PDF, judged by its content) and safe to keep."""

import io
import uuid
from pathlib import PurePath
from typing import Any, NotRequired, TypedDict

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject


class FileType(TypedDict):
    label: str
    extensions: set[str]
    pillow: NotRequired[str]  # the format Pillow re-encodes an image in


TYPES: dict[str, FileType] = {
    "image/png": {"label": "PNG image", "extensions": {".png"}, "pillow": "PNG"},
    "image/jpeg": {"label": "JPEG image", "extensions": {".jpg", ".jpeg"}, "pillow": "JPEG"},
    "application/pdf": {"label": "PDF", "extensions": {".pdf"}},
}
# What makes a PDF act rather than show: scripts, launched programs, submitted forms, embedded files.
PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/RichMedia"}
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}
PDF_MAX_OBJECTS = 100_000


def check_upload(upload) -> str:
    """The content type of a valid upload; ValidationError with a plain reason otherwise.

    An image is decoded and its content replaced by a re-encoded copy without metadata: screenshots carry EXIF
    and GPS data, which are personal data, and what is stored is then exactly what was checked.
    """
    name, mime, data = _read_checked(
        upload,
        limit=settings.APPEAL_ATTACHMENT_MAX_BYTES,
        types=TYPES,
        not_allowed="{name} is not a PNG, JPEG or PDF file. Attach a screenshot or a PDF.",
    )
    if mime == "application/pdf":
        _check_pdf(name, data)
    else:
        _replace_content(upload, _clean_image(name, mime, data))
    return mime


def check_uploads(uploads) -> list[tuple[Any, str]]:
    """Each upload with its content type, or ValidationError naming every file refused: judged by content, not by
    name or the type the browser claims."""
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append((upload, check_upload(upload)))
        except ValidationError as problem:
            problems.extend(problem.messages)
    if problems:
        raise ValidationError({"attachments": problems})
    return checked


def check_pdf_upload(upload, *, limit: int) -> None:
    """A PDF of at most `limit` bytes, held to the same checks as an appeal's PDF; ValidationError otherwise."""
    pdf_only = {"application/pdf": TYPES["application/pdf"]}
    name, _, data = _read_checked(upload, limit=limit, types=pdf_only, not_allowed="{name} is not a PDF file.")
    _check_pdf(name, data)


def _read_checked(upload, *, limit: int, types: dict[str, FileType], not_allowed: str) -> tuple[str, str, bytes]:
    """The upload's name, content type (judged by its content) and bytes, once its size, type and name agree."""
    name = upload.name or "file"
    if upload.size > limit:
        raise ValidationError(f"{name} is larger than {limit // (1024 * 1024)} MB.")
    if upload.size == 0:
        raise ValidationError(f"{name} is empty.")
    data = _read_all(upload)
    guessed = filetype.guess(data[:8192])
    mime = guessed.mime if guessed else None
    if mime is None or mime not in types:
        raise ValidationError(not_allowed.format(name=name))
    if PurePath(name).suffix.lower() not in types[mime]["extensions"]:
        raise ValidationError(
            f"{name} is a {types[mime]['label']} but its name says otherwise. Rename it and try again."
        )
    return name, mime, data


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _replace_content(upload, data: bytes) -> None:
    upload.file = io.BytesIO(data)
    upload.size = len(data)


def _damaged(name: str, mime: str) -> ValidationError:
    return ValidationError(f"{name} looks like a {TYPES[mime]['label']} but cannot be opened: it may be damaged.")


def _clean_image(name: str, mime: str, data: bytes) -> bytes:
    """The image re-encoded from its pixels alone; its size is checked from the header, before decoding."""
    try:
        image: Image.Image = Image.open(io.BytesIO(data), formats=[TYPES[mime]["pillow"]])
        if image.width * image.height > settings.APPEAL_IMAGE_MAX_PIXELS:
            raise Image.DecompressionBombError
        image = ImageOps.exif_transpose(image)  # keep how it looked once the orientation tag is gone
        mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
        if mime == "image/jpeg":
            mode = "RGB"
        image = image.convert(mode)
        clean = Image.frombytes(mode, image.size, image.tobytes())  # a new image: no info, EXIF, ICC or text chunks
        out = io.BytesIO()
        clean.save(out, TYPES[mime]["pillow"], **({"quality": 90} if mime == "image/jpeg" else {}))
    except Image.DecompressionBombError as error:  # Pillow's own limit is far above ours; both mean too large
        raise ValidationError(
            f"{name} has too many pixels: images may have at most "
            f"{settings.APPEAL_IMAGE_MAX_PIXELS // 1_000_000} million. Attach a smaller screenshot."
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise _damaged(name, mime) from error
    return out.getvalue()


def _check_pdf(name: str, data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(f"{name} is encrypted. Attach a PDF without a password.")
        active = _active_content(reader.trailer)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise _damaged(name, "application/pdf") from error
    if active:
        raise ValidationError(f"{name} contains scripts or embedded actions. Print it to a plain PDF and try again.")


def _active_content(root) -> bool:
    """Walks every object reachable from the trailer (without recursion) looking for scripts and actions."""
    pending = [root]
    seen: set[tuple[int, int]] = set()
    while pending:
        if len(seen) > PDF_MAX_OBJECTS:
            raise ValueError("too many objects")
        value = pending.pop()
        if isinstance(value, IndirectObject):
            if (value.idnum, value.generation) in seen:
                continue
            seen.add((value.idnum, value.generation))
            value = value.get_object()
        if isinstance(value, DictionaryObject):
            if PDF_ACTIVE_KEYS & set(value.keys()) or value.get("/S") in PDF_ACTIVE_ACTIONS:
                return True
            pending.extend(value.values())
        elif isinstance(value, ArrayObject):
            pending.extend(value)
        elif isinstance(value, NameObject) and value in PDF_ACTIVE_ACTIONS:
            return True
    return False


def stored_name(mime: str) -> str:
    """Files are stored under a name derived from their content type, never the uploader's name."""
    return f"{uuid.uuid4().hex}.{sorted(TYPES[mime]['extensions'])[-1].lstrip('.')}"
