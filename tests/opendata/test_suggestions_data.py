"""Suggested wording and its decisions in the open data."""

import pytest

from consultation.services.suggestions import decide_suggestion
from opendata.writing import export_open_data
from tests.consultation.factories import consultation
from tests.consultation.test_api_suggestions import made
from tests.consultation.test_suggestions import close
from tests.opendata.test_open_data import open_data_root, rows  # noqa: F401 (the fixture is used by name)

pytestmark = pytest.mark.django_db


def test_suggestions_are_exported_with_their_decisions(organization, publisher):
    version = consultation(organization)
    decided, waiting = made(version), made(version, key="R-2.1", text="Other wording.")
    close(version)
    decide_suggestion(suggestion=decided, outcome="declined", reason="Too narrow.", by=publisher)
    exported = {row["id"]: row for row in rows(export_open_data(), "suggestions")}
    assert exported[decided.pk] | {"created_at": "", "decided_at": ""} == {
        "organization": "acme",
        "guideline": "medical",
        "version": 1,
        "id": decided.pk,
        "created_at": "",
        "clause": "R-1.1",
        "kind": "replace",
        "text": "Refuse harmful instructions.",
        "reason": "Why.",
        "author": decided.author.public_name,
        "supporters": 0,
        "opponents": 0,
        "cluster": decided.pk,
        "outcome": "declined",
        "decision_reason": "Too narrow.",
        "supporters_at_close": 0,
        "opponents_at_close": 0,
        "decided_at": "",
    }
    assert exported[waiting.pk]["outcome"] is None and exported[waiting.pk]["decided_at"] is None
