from datetime import timedelta

import pytest
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Decision
from consultation.models import CommentPeriod
from consultation.services import closing, comments
from tests.appeals.factories import AISystemFactory, admitted, decided, file, published_guideline
from tests.consultation.factories import consultation
from tests.factories import OrganizationFactory
from transparency.fold import fold_record


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.APPEALS_PER_DAY = 1000


@pytest.fixture
def guideline(organization):
    return published_guideline(organization)


@pytest.fixture
def system(organization):
    return AISystemFactory(organization=organization, slug="helper", name="Acme Helper")


@pytest.fixture
def record(citizen, organization, system, guideline, moderator, publisher):
    """A small public record with one of everything the statistics count, folded into the tallies."""
    decided(citizen, system, guideline, moderator, handle="rae", outcome=Decision.OVERTURNED)
    decided(citizen, system, guideline, moderator, handle="sam", outcome=Decision.UPHELD, clause_keys=["R-2.1"])
    corrected = decided(citizen, system, guideline, moderator, handle="kit", outcome=Decision.UPHELD)
    services.correct_decision(
        decision=corrected.decisions.get(),
        by=moderator,
        outcome=Decision.PARTIAL,
        rationale="Corrected.",
        cited_clause_keys=["R-2.1"],
        note="The panel misread R-1.1.",
    )
    admitted(citizen, system, guideline, moderator)
    services.declare_inadmissible(
        appeal=file(citizen, system, guideline), by=moderator, reason="duplicate", public_note="Filed twice."
    )
    services.withdraw_appeal(appeal=file(citizen, system, guideline), by=citizen)
    late = file(citizen, system, guideline, clause_keys=["R-3.1"])
    Appeal.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(days=1))

    globex = OrganizationFactory(slug="globex", name="Globex")
    globex_system = AISystemFactory(organization=globex, slug="chat", name="Globex Chat")
    globex_guideline = published_guideline(globex, slug="chat-rules")
    decided(citizen, globex_system, globex_guideline, moderator, handle="lee", outcome=Decision.PARTIAL)

    version = consultation(organization)
    clause = version.clauses.first()
    answered = comments.post_comment(version=version, clause=clause, body="Too broad for dosage facts.", by=citizen)
    comments.post_comment(version=version, clause=clause, body="Agreed with the above.", by=citizen)
    comments.post_comment(version=version, body="The whole draft is vague.", by=citizen)
    comments.post_comment(version=version, body="A reply.", parent=answered, by=citizen)
    CommentPeriod.objects.filter(version=version).update(closes_at=timezone.now() - timedelta(minutes=1))
    closing.respond_to_comment(comment=answered, disposition="adopted", text="Narrowed it.", by=publisher)
    fold_record()
    return {"version": version, "globex": globex}
