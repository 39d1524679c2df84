import io
import struct
import zlib
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from appeals import services
from appeals.models import AISystem, Decision
from tests.factories import (
    ClauseFactory,
    GuidelineFactory,
    GuidelineVersionFactory,
    OrganizationFactory,
    ReviewerProfileFactory,
)


class AISystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AISystem

    organization = factory.SubFactory(OrganizationFactory)
    slug = factory.Sequence(lambda n: f"system-{n}")
    name = factory.Sequence(lambda n: f"Assistant {n}")


def published_guideline(organization, *, tags=None, published_days_ago=30, slug="assistant-refusals"):
    """A guideline with one final version and clauses R-1.1 (medical), R-2.1 (security), R-3.1 (no tags)."""
    guideline = GuidelineFactory(organization=organization, slug=slug, title=slug.replace("-", " ").capitalize())
    version = GuidelineVersionFactory(
        guideline=guideline, number=1, published_at=timezone.now() - timedelta(days=published_days_ago)
    )
    tags = tags or {"R-1.1": ["medical"], "R-2.1": ["security"], "R-3.1": []}
    for position, (key, clause_tags) in enumerate(tags.items()):
        ClauseFactory(
            version=version,
            key=key,
            heading=f"Heading {key}",
            text=f"Text of **{key}**.",
            position=position,
            tags=clause_tags,
        )
    return guideline


def appeal_input(system, guideline, **overrides) -> dict:
    values = {
        "system": system,
        "guideline": guideline,
        "happened_at": timezone.now() - timedelta(days=2),
        "prompt_excerpt": "How much paracetamol is too much for an adult?",
        "refusal_excerpt": "I can't help with medication dosages.",
        "clause_keys": ["R-1.1"],
        "grounds": "This is ordinary safety information printed on every box.",
    }
    values.update(overrides)
    return values


def file(appellant, system, guideline, **overrides):
    return services.file_appeal(by=appellant, **appeal_input(system, guideline, **overrides))


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def pdf_bytes() -> bytes:
    """A real one-page PDF, as pypdf writes it."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = pdf_bytes()
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def screenshot(name: str = "screenshot.png") -> SimpleUploadedFile:
    return upload(name, png_bytes(), "image/png")


def write_png(path) -> None:
    with open(path, "wb") as handle:
        handle.write(png_bytes(4, 4))


def admitted(appellant, system, guideline, moderator, *, significant=False, **overrides):
    """An appeal a moderator admitted; routing has not run (on_commit callbacks don't run in `db` tests)."""
    appeal = file(appellant, system, guideline, **overrides)
    return services.admit_appeal(appeal=appeal, by=moderator, significant=significant)


def make_reviewer(handle: str, **fields):
    return ReviewerProfileFactory(handle=handle, user__display_name=handle.title(), **fields)


def decided(
    citizen,
    system,
    guideline,
    moderator,
    handle="rae",
    outcome=Decision.OVERTURNED,
    rationale="Dosage facts are *public health* information.",
    **overrides,
):
    """An admitted appeal routed to a new reviewer `handle`, who accepted and decided it."""
    appeal = admitted(citizen, system, guideline, moderator, **overrides)
    reviewer = make_reviewer(handle)
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    services.decide_appeal(
        assignment=assignment,
        by=reviewer.user,
        outcome=outcome,
        rationale=rationale,
        cited_clause_keys=["R-1.1"],
    )
    return appeal
