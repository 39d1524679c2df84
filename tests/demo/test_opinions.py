import pytest

from consultation.models import OpinionGroups, Statement

pytestmark = pytest.mark.django_db


def test_the_open_consultation_shows_three_camps_with_a_consensus(demo, client):
    groups = OpinionGroups.objects.get(version__guideline__slug="cybersecurity")
    assert groups.result["k"] == 3 and groups.clustered == groups.participants == 36
    consensus = {entry["text"] for entry in groups.result["consensus"]}
    assert "The assistant should always help people defend their own systems." in consensus
    assert Statement.objects.filter(status=Statement.PENDING).count() == 1
    page = client.get("/guidelines/acme-ai/cybersecurity/v1/opinions/").text
    assert "Group C" in page and "Where people stand" in page
