"""Clause pressure back into the rules: clauses overturned often are flagged when the next version is drafted, and
the final version must answer each, publicly and on the record."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.models import Decision
from appeals.selectors import clause_pressure
from consultation.models import ClauseChange, GuidelineVersion
from consultation.pressure import ClausePressure
from consultation.services import closing, drafting
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import decided
from tests.consultation.factories import CommentPeriodFactory
from tests.factories import ClauseFactory, GuidelineVersionFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def overturned_three_times(citizen, system, guideline, moderator):
    """R-1.1 of the final version 1 overturned in all three of its decided appeals."""
    for handle in ["rae", "sam", "kim"]:
        decided(
            citizen, system, guideline, moderator, handle=handle, refusal_excerpt=handle, outcome=Decision.OVERTURNED
        )
    return guideline


@pytest.fixture
def consulted(overturned_three_times, publisher):
    """Version 2, a consultation on a copy of version 1, whose period has closed."""
    guideline = overturned_three_times
    consultation = drafting.create_draft_version(guideline=guideline, by=publisher)
    GuidelineVersion.objects.filter(pk=consultation.pk).update(
        status=GuidelineVersion.CONSULTATION, published_at=timezone.now() - timedelta(days=40)
    )
    CommentPeriodFactory(
        version=consultation, opens_at=timezone.now() - timedelta(days=40), closes_at=timezone.now() - timedelta(days=1)
    )
    return GuidelineVersion.objects.get(pk=consultation.pk)


@pytest.fixture
def draft(consulted, publisher):
    """Version 3, the draft of the final version that follows the consultation."""
    return drafting.create_draft_version(guideline=consulted.guideline, by=publisher)


def manage_url(version, page: str = "") -> str:
    guideline = version.guideline
    args = [guideline.organization.slug, guideline.slug, version.number]
    return reverse("publish-final" if page == "final" else "publish-version", args=args)


@pytest.mark.parametrize(
    "decided_, overturned, min_decisions, share, flagged",
    [
        (3, 2, 3, 0.5, True),  # enough decisions, two thirds overturned
        (4, 2, 3, 0.5, True),  # exactly the share
        (3, 1, 3, 0.5, False),  # a third is under the share
        (2, 2, 3, 0.5, False),  # all overturned, but too few decisions
        (3, 3, 4, 0.5, False),  # the minimum is a setting
        (5, 3, 3, 0.8, False),  # so is the share
        (5, 4, 3, 0.8, True),
    ],
)
def test_the_flag_threshold(settings, decided_, overturned, min_decisions, share, flagged):
    settings.CLAUSE_PRESSURE_MIN_DECISIONS, settings.CLAUSE_PRESSURE_FLAG_SHARE = min_decisions, share
    pressure = ClausePressure(appealed=decided_ + 1, decided=decided_, overturned=overturned, since=None, text="")
    assert pressure.flagged is flagged


def test_a_draft_sees_the_pressure_of_the_clauses_in_force(draft):
    pressure = clause_pressure(draft.guideline, version=draft)
    assert (pressure["R-1.1"].appealed, pressure["R-1.1"].overturned, pressure["R-1.1"].flagged) == (3, 3, True)
    assert pressure["R-1.1"].since.number == 1 and not pressure["R-2.1"].flagged


def test_appeals_about_an_earlier_wording_do_not_count(overturned_three_times):
    guideline = overturned_three_times
    GuidelineVersion.objects.filter(guideline=guideline, number=1).update(status=GuidelineVersion.SUPERSEDED)
    reworded = GuidelineVersionFactory(guideline=guideline, number=2)
    ClauseFactory(version=reworded, key="R-1.1", heading="Heading R-1.1", text="A narrower wording.")
    ClauseFactory(version=reworded, key="R-2.1", heading="Heading R-2.1", text="Text of **R-2.1**.")
    pressure = clause_pressure(guideline, version=reworded)
    assert pressure["R-1.1"].appealed == 0 and pressure["R-1.1"].since == reworded
    assert pressure["R-2.1"].since.number == 1  # unchanged since version 1


def test_the_drafting_screens_flag_the_clause(client, publisher, draft):
    client.force_login(publisher)
    for url in [manage_url(draft), manage_url(draft, "final")]:
        page = client.get(url).text
        assert "Clauses flagged by appeals" in page
        assert "Flagged: overturned in 3 of 3 decided appeals" in page


def test_the_next_consultations_page_shows_the_pressure_but_the_flag_only_to_publishers(client, publisher, consulted):
    page = client.get(consulted.get_absolute_url()).text
    assert "appealed 3 times, overturned 3" in page and "Flagged" not in page
    client.force_login(publisher)
    assert "Flagged: overturned in 3 of 3" in client.get(consulted.get_absolute_url()).text


def test_the_clause_page_shows_the_pressure(client, consulted):
    guideline = consulted.guideline
    url = reverse("clause-comments", args=[guideline.organization.slug, guideline.slug, consulted.number, "R-1.1"])
    page = client.get(url).text
    assert "appealed 3 times, overturned 3" in page
    assert "/decisions/?organization=acme&amp;guideline=assistant-refusals&amp;clause=R-1.1" in page


def test_outsiders_never_see_the_drafting_screens(client, other_organization, citizen, moderator, draft):
    other_publisher = MembershipFactory(organization=other_organization).user
    for person in [other_publisher, citizen, moderator]:
        client.force_login(person)
        for url in [manage_url(draft), manage_url(draft, "final")]:
            response = client.get(url)
            assert response.status_code == 403 and "Flagged" not in response.text


def test_publishing_without_answering_a_flagged_clause_is_refused_and_changes_nothing(publisher, draft):
    with pytest.raises(ValidationError) as refused:
        closing.publish_final_version(version=draft, summary_of_changes="Tidied.", by=publisher)
    assert "R-1.1 was overturned in 3 of 3 decided appeals since v1" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.DRAFT and not ClauseChange.objects.exists()
    assert not Entry.objects.filter(kind=EntryKind.VERSION_FINAL_PUBLISHED).exists()


def test_the_final_form_says_why_it_was_refused(client, publisher, draft):
    client.force_login(publisher)
    response = client.post(manage_url(draft, "final"), {"summary_of_changes": "Tidied.", "confirm": "1"})
    assert response.status_code == 400
    assert "change it, or say in its statement why it stays as it is" in response.text
    draft.refresh_from_db()
    assert draft.status == GuidelineVersion.DRAFT


def test_a_statement_answers_it_publicly_and_on_the_record(client, publisher, draft):
    why = "The leaflet cases were about labelling; the clause stays and reviewers get guidance."
    closing.publish_final_version(
        version=draft, summary_of_changes="Kept.", by=publisher, statements={"R-1.1": {"text": why}}
    )
    change = ClauseChange.objects.get(version=draft, clause_key="R-1.1")
    assert (change.pressure_overturned, change.pressure_decided) == (3, 3)
    assert ClauseChange.objects.get(version=draft, clause_key="R-2.1").pressure_decided is None
    recorded = Entry.objects.get(kind=EntryKind.VERSION_FINAL_PUBLISHED).data["clause_pressure"]
    assert recorded == {
        "R-1.1": {"appealed": 3, "decided": 3, "overturned": 3, "since": 1, "changed": False, "answer": why}
    }
    page = client.get(draft.get_absolute_url()).text
    assert "Clauses appeals had flagged" in page and why in page
    assert "overturned in 3 of 3 decided appeals" in page
    api = client.get(reverse("api-version", args=["acme", "assistant-refusals", draft.number])).json()
    answered = {c["clause_key"]: c["clause_pressure"] for c in api["statement_of_changes"]}
    assert answered["R-1.1"] == {"decided": 3, "overturned": 3} and answered["R-2.1"] is None


def test_changing_the_clause_answers_it(publisher, draft):
    clause = draft.clauses.get(key="R-1.1")
    drafting.edit_clause(
        clause=clause, heading=clause.heading, text="Dosage facts printed on the box are given.", by=publisher
    )
    closing.publish_final_version(version=draft, summary_of_changes="Narrowed R-1.1.", by=publisher)
    recorded = Entry.objects.get(kind=EntryKind.VERSION_FINAL_PUBLISHED).data["clause_pressure"]
    assert recorded["R-1.1"]["changed"] is True and recorded["R-1.1"]["answer"] == ""


def test_the_version_page_takes_a_constant_number_of_queries(client, citizen, system, guideline, moderator):
    decided(citizen, system, guideline, moderator, handle="rae", refusal_excerpt="first")
    version = guideline.versions.get(number=1)
    with CaptureQueriesContext(connection) as first:
        client.get(version.get_absolute_url())
    for handle in ["sam", "kim"]:
        decided(citizen, system, guideline, moderator, handle=handle, refusal_excerpt=handle, clause_keys=["R-2.1"])
    cache.clear()  # the page is cached; its renewal on commit is not what this test is about
    with CaptureQueriesContext(connection) as more:
        page = client.get(version.get_absolute_url()).text
    assert len(more.captured_queries) == len(first.captured_queries)
    assert "appealed 2 times" in page
