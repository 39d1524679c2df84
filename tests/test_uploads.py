"""Attachments: images are decoded, size-checked and stored without metadata; PDFs that act are refused."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from rest_framework.test import APIClient

from appeals.attachments import check_upload
from appeals.models import Appeal
from tests.appeals.factories import PDF_BYTES, AISystemFactory, published_guideline

GPS_IFD = 0x8825


def photo(kind: str = "JPEG", size=(40, 30)) -> bytes:
    """A real image carrying a camera make and a GPS position in its EXIF, like a phone's screenshot."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (52.0, 22.0, 5.0), 3: "E", 4: (4.0, 53.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, kind, exif=exif)
    return out.getvalue()


def claimed_png(width: int, height: int) -> bytes:
    """A PNG whose header claims these dimensions; decoding it would need width × height × 3 bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * (width * 3 + 1) * 10)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def pdf(step=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if step:
        step(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def checked(name: str, data: bytes) -> tuple[str, bytes]:
    upload = SimpleUploadedFile(name, data)
    mime = check_upload(upload)
    upload.seek(0)
    return mime, upload.read()


@pytest.mark.parametrize(("name", "kind"), [("shot.jpg", "JPEG"), ("shot.png", "PNG")])
def test_an_image_is_kept_without_its_exif_and_gps_data(name, kind):
    assert Image.open(io.BytesIO(photo(kind))).getexif()  # the upload has them
    mime, stored = checked(name, photo(kind))
    image = Image.open(io.BytesIO(stored))
    assert (mime, image.format, image.size) == (f"image/{kind.lower()}", kind, (40, 30))
    assert not image.getexif()
    assert b"PhoneMaker" not in stored


def test_a_decompression_bomb_is_refused_from_its_header():
    with pytest.raises(ValidationError, match="too many pixels"):
        check_upload(SimpleUploadedFile("bomb.png", claimed_png(20000, 20000)))


def test_a_truncated_image_is_refused_as_damaged():
    with pytest.raises(ValidationError, match="cannot be opened"):
        check_upload(SimpleUploadedFile("shot.jpg", photo("JPEG", (400, 300))[:600]))


def test_a_plain_pdf_is_accepted():
    assert checked("report.pdf", PDF_BYTES) == ("application/pdf", PDF_BYTES)


@pytest.mark.parametrize(
    ("step", "reason"),
    [
        (lambda writer: writer.encrypt("secret"), "encrypted"),
        (lambda writer: writer.add_open_action(JavaScript("app.alert('hello');")), "scripts"),
        (lambda writer: writer.add_attachment("run.exe", b"MZ"), "scripts or embedded"),
    ],
)
def test_a_pdf_that_is_encrypted_or_acts_is_refused(step, reason):
    with pytest.raises(ValidationError, match=reason):
        check_upload(SimpleUploadedFile("report.pdf", pdf(step)))


def test_an_appeal_stores_the_screenshot_without_its_gps_data(citizen, organization, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    published_guideline(organization)
    AISystemFactory(organization=organization, slug="helper")
    api = APIClient()
    api.force_authenticate(citizen)
    fields = {"organization": "acme", "system": "helper", "happened_at": timezone.now().isoformat()}
    fields |= {"prompt_excerpt": "p", "refusal_excerpt": "r", "clause_keys": ["R-2.1"], "grounds": "Too broad."}
    screenshot = SimpleUploadedFile("shot.jpg", photo("JPEG"), content_type="image/jpeg")
    response = api.post("/api/v1/appeals/", {**fields, "attachments": [screenshot]}, format="multipart")
    assert response.status_code == 201, response.json()
    stored = Appeal.objects.get().attachments.get()
    assert not Image.open(stored.file).getexif()
