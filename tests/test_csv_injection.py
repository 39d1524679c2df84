"""Every CSV export quotes cells a spreadsheet would run as formulas (OWASP: CSV injection)."""

import csv
import io

import pytest
from django.urls import reverse

from appeals.models import Decision
from tests.appeals.factories import AISystemFactory, decided, published_guideline
from tests.consultation.factories import CommentFactory, consultation

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1+1", "-2+3", "@SUM(A1:A9)", "\tTAB", "\r=1"]


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_comment_exports_quote_cells_that_would_run_as_formulas(client, organization):
    version = consultation(organization)
    for body in [*FORMULAS, "Fine - a = b"]:
        CommentFactory(version=version, body=body)
    rows = csv_rows(client.get("/api/v1/guidelines/acme/medical/versions/1/comments/export.csv"))
    assert [row["body"] for row in rows] == [*("'" + body for body in FORMULAS), "Fine - a = b"]


def test_decision_exports_quote_cells_that_would_run_as_formulas(
    client, organization, citizen, moderator, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    system = AISystemFactory(organization=organization, slug="-helper")
    decided(citizen, system, published_guideline(organization), moderator, outcome=Decision.UPHELD)
    [row] = csv_rows(client.get(reverse("decisions-export")))
    assert row["system"] == "'-helper"
    assert row["organization"] == "acme" and row["outcome"] == "upheld"
