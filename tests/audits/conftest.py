"""Named actors for audits: the auditor, another auditor, an open audit of Acme over the last 30 days, and appeals
inside and outside its scope. The appeal in scope carries a private attachment and a phone number in its originals."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditorProfile
from appeals.models import Appeal
from audits import services
from tests.appeals.factories import AISystemFactory, file, published_guideline, screenshot
from tests.factories import UserFactory

PRIVATE_PROMPT = "My number is 0612345678, what dose of paracetamol is safe?"
PRIVATE_GROUNDS = "I am Ada, living at 12 Secret Lane; this is ordinary safety information."


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.APPEALS_PER_DAY = 1000


def make_auditor(label: str):
    user = UserFactory(display_name=label)
    AuditorProfile.objects.create(user=user, label=label)
    return user


@pytest.fixture
def auditor(db):
    return make_auditor("Jo Roe, Open Audit Lab")


@pytest.fixture
def other_auditor(db):
    return make_auditor("Kim Lee, Rights Watch")


@pytest.fixture
def guideline(organization):
    return published_guideline(organization)


@pytest.fixture
def system(organization):
    return AISystemFactory(organization=organization, slug="helper", name="Acme Helper")


@pytest.fixture
def audit(auditor, organization):
    today = timezone.localdate()
    return services.declare_audit(
        by=auditor,
        title="Medical refusals at Acme",
        purpose="Whether **medical** refusals are applied consistently.",
        organizations=[organization],
        period_from=today - timedelta(days=30),
        period_to=today,
    )


@pytest.fixture
def appeal(citizen, system, guideline):
    """In the audit's scope, with a private attachment."""
    return file(
        citizen, system, guideline, prompt_excerpt=PRIVATE_PROMPT, grounds=PRIVATE_GROUNDS, attachments=[screenshot()]
    )


@pytest.fixture
def old_appeal(citizen, system, guideline):
    """Against the audited organization, but filed before the audit's period."""
    appeal = file(citizen, system, guideline, prompt_excerpt="An older question about dosage.")
    Appeal.objects.filter(pk=appeal.pk).update(filed_at=timezone.now() - timedelta(days=60))
    return Appeal.objects.get(pk=appeal.pk)


@pytest.fixture
def other_appeal(citizen, other_organization):
    """In the period, but against an organization the audit does not cover."""
    guideline = published_guideline(other_organization, slug="globex-refusals")
    system = AISystemFactory(organization=other_organization, slug="globex-bot", name="Globex Bot")
    return file(citizen, system, guideline, prompt_excerpt="A question to Globex.")
