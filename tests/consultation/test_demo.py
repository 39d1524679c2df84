import pytest
from django.core.management import call_command

from consultation.models import Comment, CommentPeriod, Guideline, GuidelineVersion, Response
from ledger.services import check_chain

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_final_an_open_and_a_scheduled_consultation(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    slugs = {"medical-advice", "cybersecurity", "crisis-support"}
    assert Guideline.objects.filter(slug__in=slugs).count() == 3
    medical = GuidelineVersion.objects.get(guideline__slug="medical-advice", status=GuidelineVersion.FINAL)
    assert medical.clause_changes.filter(kind="changed").count() == 2
    assert Response.objects.filter(comment__version__guideline__slug="medical-advice").count() == 3
    open_period = CommentPeriod.objects.open().get()
    assert open_period.version.guideline.slug == "cybersecurity"
    assert Comment.objects.filter(version=open_period.version, status=Comment.HIDDEN).count() == 1
    assert CommentPeriod.objects.scheduled().get().version.guideline.slug == "crisis-support"
    assert check_chain().ok
    for version in GuidelineVersion.objects.public():
        assert client.get(version.get_absolute_url()).status_code == 200
