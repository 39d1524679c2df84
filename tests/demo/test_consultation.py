import pytest
from django.core.management import call_command
from django.utils import timezone

from consultation.models import Comment, CommentPeriod, Guideline, GuidelineVersion, Response
from ledger.services import check_chain

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_final_an_open_and_a_scheduled_consultation(demo, settings, client):
    settings.DEBUG = True
    call_command("seed_demo")  # a second time
    slugs = {"medical-advice", "cybersecurity", "crisis-support"}
    assert Guideline.objects.filter(slug__in=slugs).count() == 3
    medical = GuidelineVersion.objects.get(guideline__slug="medical-advice", status=GuidelineVersion.FINAL)
    assert medical.clause_changes.filter(kind="changed").count() == 2
    assert Response.objects.filter(comment__version__guideline__slug="medical-advice").count() == 3
    closeout = medical.closeout
    assert closeout.document["totals"]["comments"] == 3 and closeout.document["clauses"][0]["summary"]
    assert "You said, we did" in client.get(closeout.get_absolute_url()).text
    open_period = CommentPeriod.objects.open().get()
    assert open_period.version.guideline.slug == "cybersecurity"
    assert Comment.objects.filter(version=open_period.version, status=Comment.HIDDEN).count() == 1
    assert CommentPeriod.objects.scheduled().get().version.guideline.slug == "crisis-support"
    assert check_chain().ok
    for version in GuidelineVersion.objects.public():
        assert client.get(version.get_absolute_url()).status_code == 200


def test_the_demo_has_a_closed_consultation_whose_publisher_can_answer_and_publish_at_once(demo, client):
    closed = GuidelineVersion.objects.get(guideline__slug="data-protection", number=1)
    assert not closed.comment_period.is_open and closed.comment_period.closes_at < timezone.now()
    assert Comment.objects.filter(version=closed).unanswered().count() == 3
    client.login(email="publisher@demo.whodecides.test", password="demo-pass-2026")
    assert "Answer comment" in client.get("/publish/acme-ai/data-protection/v1/responses/").text
    answers = {"summary_of_changes": "Examples added."}
    waiting = list(closed.suggestions.undecided())
    assert waiting, "the demo's closed consultation has suggestions waiting for the publisher"
    refused = client.post("/publish/acme-ai/data-protection/v2/final/", answers).text
    assert f"suggestion {waiting[0].pk} ({waiting[0].get_absolute_url()})" in refused
    for suggestion in waiting:
        decided = client.post(
            f"{suggestion.get_absolute_url()}decision/", {"outcome": "declined", "reason": "Too broad."}
        )
        assert decided.status_code == 302
    assert "Check" in client.post("/publish/acme-ai/data-protection/v2/final/", answers).text
    response = client.post("/publish/acme-ai/data-protection/v2/final/", {**answers, "confirm": "1"})
    assert response.status_code == 302
    assert GuidelineVersion.objects.get(guideline__slug="data-protection", number=2).status == GuidelineVersion.FINAL


def test_the_demo_shows_a_campaign_as_one_cluster_and_a_burst(demo, settings, client):
    settings.DEBUG = True
    call_command("seed_demo")  # a second time
    version = GuidelineVersion.objects.get(guideline__slug="cybersecurity", number=1)
    assert "This comment and 7 near-identical ones" in client.get(version.get_absolute_url()).text
    client.login(email="moderator@demo.whodecides.test", password="demo-pass-2026")
    assert "8 new accounts" in client.get("/moderation/bursts/").text
