import pytest
from django.core.management import call_command

from consultation.models import GuidelineVersion, Suggestion
from ledger.services import check_chain

pytestmark = pytest.mark.django_db


def test_the_demo_has_suggestions_to_support_and_suggestions_to_decide_once(demo, settings, client):
    settings.DEBUG = True
    call_command("seed_demo")  # a second time
    open_version = GuidelineVersion.objects.get(guideline__slug="cybersecurity", number=1)
    made = Suggestion.objects.filter(version=open_version)
    assert sorted(made.values_list("kind", flat=True)) == ["delete", "insert_after", "replace"]
    assert all(s.supporters and s.opponents for s in made)
    closed = GuidelineVersion.objects.get(guideline__slug="data-protection", number=1)
    assert closed.comment_period.is_closed and closed.suggestions.undecided().count() == 2
    assert check_chain().ok
    client.login(email="publisher@demo.whodecides.test", password="demo-pass-2026")
    assert client.get("/publish/acme-ai/data-protection/v1/").text.count("Decide suggestion") == 2
