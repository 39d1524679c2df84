"""The precedent graph: decisions follow or distinguish earlier ones with a reason, on the record, on the appeal
page both ways, and as a clause's leading decisions; refused citations change nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Citation, Decision, DecisionCitation, Vote
from ledger.content import text_sha256
from ledger.content_check import check_content
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import admitted, make_reviewer
from tests.appeals.precedent_factories import accepted, correct, decide, distinguishes, follows

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(citizen, system, guideline, moderator):
    """decide(*citations) on a new appeal of the same guideline."""
    return lambda *citations, **kwargs: decide(citizen, system, guideline, moderator, *citations, **kwargs)


def entry_of(decision: Decision, kind=EntryKind.APPEAL_DECIDED) -> dict:
    return next(e.data for e in Entry.objects.filter(kind=kind) if e.data["decision"] == decision.pk)


def test_follows_and_distinguishes_are_stored_with_reasons_and_on_the_record(make):
    first, second = make(), make()
    later = make(follows(first, "Same refusal of dosage facts."), distinguishes(second, "  That one named a person. "))
    stored = {(c.cited_id, c.relation, c.reason) for c in later.cites.all()}
    assert stored == {
        (first.pk, "follows", "Same refusal of dosage facts."),
        (second.pk, "distinguishes", "That one named a person."),
    }
    assert entry_of(later)["cited_decisions"] == [
        {"decision": first.pk, "relation": "follows", "reason_sha256": text_sha256("Same refusal of dosage facts.")},
        {"decision": second.pk, "relation": "distinguishes", "reason_sha256": text_sha256("That one named a person.")},
    ]
    assert entry_of(first)["cited_decisions"] == []
    assert check_content().mismatch_count == 0


def test_a_reason_changed_behind_the_applications_back_is_named_by_the_content_check(make):
    later = make(follows(make()))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appeals_decisioncitation SET reason = 'Something else.' WHERE citing_id = %s", [later.pk]
        )
    report = check_content()
    assert report.mismatch_count == 1 and f"the reason decision {later.pk} gives" in report.mismatched[0]


def test_a_panels_decision_cites_what_its_majority_cited(citizen, system, guideline, moderator, make):
    earlier = make()
    appeal = admitted(citizen, system, guideline, moderator, significant=True, refusal_excerpt="Panel case.")
    reviewers = [make_reviewer(handle) for handle in ("pa", "pb", "pc")]
    services.route_appeal(appeal=appeal)
    outcomes = {"pa": "upheld", "pb": "upheld", "pc": "overturned"}
    decision = None
    for reviewer in reviewers:
        assignment = appeal.assignments.get(reviewer=reviewer)
        services.accept_assignment(assignment=assignment, by=reviewer.user)
        cited = [distinguishes(earlier, "Differs.")] if reviewer.handle == "pc" else [follows(earlier, "Same.")]
        decision = services.decide_appeal(
            assignment=assignment,
            by=reviewer.user,
            outcome=outcomes[reviewer.handle],
            rationale="r",
            cited_clause_keys=["R-1.1"],
            citations=cited,
        )
    assert decision is not None
    assert [(c.cited_id, c.relation, c.reason) for c in decision.cites.all()] == [(earlier.pk, "follows", "Same.")]


@pytest.mark.parametrize(
    "citation, message",
    [
        ("future", "was not decided before this one"),
        ("non_public", "is not public"),
        ("unknown", "There is no decision 999999."),
        ("missing_reason", "Say in a sentence why decision"),
        ("enormous_reason", "has 501 characters; at most 500 are allowed"),
        ("duplicate", "is cited twice"),
        ("relation", "followed or distinguished"),
    ],
)
def test_refused_citations_are_said_and_change_nothing(citizen, system, guideline, moderator, make, citation, message):
    earlier = make()
    assignment, reviewer = accepted(citizen, system, guideline, moderator)
    citations = {
        "future": lambda: [follows(_future_decision(earlier))],
        "non_public": lambda: [follows(_decision_on(admitted(citizen, system, guideline, moderator)))],
        "unknown": lambda: [Citation(decision=999999, relation="follows", reason="Why.")],
        "missing_reason": lambda: [follows(earlier, "   ")],
        "enormous_reason": lambda: [follows(earlier, "x" * 501)],
        "duplicate": lambda: [follows(earlier), distinguishes(earlier)],
        "relation": lambda: [Citation(decision=earlier.pk, relation="overrules", reason="Why.")],
    }[citation]()
    before = (Decision.objects.count(), Entry.objects.count(), DecisionCitation.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.decide_appeal(
            assignment=assignment,
            by=reviewer,
            outcome=Decision.UPHELD,
            rationale="r",
            cited_clause_keys=["R-1.1"],
            citations=citations,
        )
    assert any(message in problem for problem in refused.value.message_dict["citations"])
    assert (Decision.objects.count(), Entry.objects.count(), DecisionCitation.objects.count()) == before
    assert not Vote.objects.filter(assignment=assignment).exists()


def _future_decision(like: Decision) -> Decision:
    """A decision dated after now (a clock ahead, or a row written by hand): not earlier than a decision made now."""
    return Decision.objects.create(
        appeal=like.appeal,
        organization=like.organization,
        system=like.system,
        outcome=like.outcome,
        rationale="Later.",
        decided_at=timezone.now() + timedelta(days=1),
    )


def _decision_on(appeal: Appeal) -> Decision:
    """A decision row on an appeal that is not decided (not public): only bad data makes one."""
    refusal = appeal.refusal
    return Decision.objects.create(
        appeal=appeal, organization_id=refusal.system.organization_id, system=refusal.system, outcome="upheld"
    )


def test_a_correction_cannot_cite_a_decision_on_its_own_appeal(make, moderator):
    decision = make()
    with pytest.raises(ValidationError, match="is on this appeal"):
        correct(decision, moderator, follows(decision))
    assert not decision.appeal.decisions.exclude(pk=decision.pk).exists()


def test_the_decision_page_shows_what_it_cites_and_what_cites_it(client, make):
    earlier = make()
    follower = make(follows(earlier, "The same dosage question."))
    departing = make(distinguishes(earlier, "This one asked for a person's address."))
    page = client.get(earlier.appeal.get_absolute_url()).text
    assert "Followed by 1 later decision, distinguished by 1." in page
    assert f'href="{follower.get_absolute_url()}">Decision {follower.pk} on {follower.appeal.public_id}</a>' in page
    assert "The same dosage question." in page and "This one asked for a person&#x27;s address." in page
    page = client.get(departing.appeal.get_absolute_url()).text
    assert f'<strong>Distinguishes</strong> <a href="{earlier.get_absolute_url()}">decision {earlier.pk}' in page


def test_a_corrected_decision_lists_the_later_decisions_that_followed_it(client, make, moderator):
    earlier = make()
    relied = make(follows(earlier, "Relied on its reading of R-1.1."))
    correct(earlier, moderator)
    page = client.get(earlier.appeal.get_absolute_url()).text
    assert "This decision has been corrected. The later decisions that followed it relied on it: re-check them." in page
    assert f"Decision {relied.pk} on {relied.appeal.public_id}</a> <strong>follows</strong> it" in page


def test_a_correction_starts_from_the_citations_of_the_decision_it_corrects(client, make, moderator):
    earlier = make()
    decision = make(distinguishes(earlier, "A different request."))
    client.force_login(moderator)
    page = client.get(reverse("correct-decision", args=[decision.pk])).text
    assert f'name="citation_0_decision" value="{earlier.pk}"' in page
    assert '<option value="distinguishes" selected>' in page and ">\nA different request.</textarea>" in page


def clause_page(guideline, key="R-1.1") -> str:
    version = guideline.versions.get()
    return reverse("clause-comments", args=[guideline.organization.slug, guideline.slug, version.number, key])


def test_the_clause_page_ranks_its_leading_decisions_and_drops_superseded_ones(
    client, make, guideline, moderator, django_capture_on_commit_callbacks
):
    less, most = make(), make()
    make(follows(most)), make(follows(most)), make(follows(less)), make(distinguishes(less))
    page = client.get(clause_page(guideline)).text
    assert "Leading decisions on R-1.1" in page
    assert page.index(f"Decision {most.pk} on") < page.index(f"Decision {less.pk} on")
    assert "followed by 2 later decisions, distinguished by 0" in page
    with django_capture_on_commit_callbacks(execute=True):  # renews the cached clause page, as in production
        correction = correct(most, moderator)
    page = client.get(clause_page(guideline)).text
    assert f"Decision {most.pk} on" not in page
    assert page.index(f"Decision {less.pk} on") < page.index(f"Decision {correction.pk} on")


def test_the_cited_decisions_page_is_renewed_when_a_later_decision_cites_it(
    client, make, django_capture_on_commit_callbacks
):
    earlier = make()
    assert "Later decisions citing it" not in client.get(earlier.appeal.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        make(follows(earlier))
    assert "Followed by 1 later decision" in client.get(earlier.appeal.get_absolute_url()).text


def test_a_follow_by_a_corrected_decision_no_longer_counts(client, make, moderator):
    earlier = make()
    follower = make(follows(earlier))
    correct(follower, moderator)  # the correction cites nothing
    page = client.get(earlier.appeal.get_absolute_url()).text
    assert "Later decisions citing it" not in page


def test_the_review_form_cites_with_a_relation_and_a_reason_through_the_check_page(
    client, citizen, system, guideline, moderator, make
):
    earlier = make()
    assignment, reviewer = accepted(citizen, system, guideline, moderator)
    client.force_login(reviewer)
    url = reverse("decide-appeal", args=[assignment.pk])
    answers = {
        "outcome": "overturned",
        "rationale": "Public health facts.",
        "cited_clause_keys": ["R-1.1"],
        "citation_0_decision": str(earlier.pk),
        "citation_0_relation": "distinguishes",
        "citation_0_reason": "That request named a patient.",
    }
    check = client.post(url, answers).text
    assert f"Distinguishes decision {earlier.pk}: That request named a patient." in check
    assert client.post(url, {**answers, "confirm": "1"}).status_code == 302
    decision = Decision.objects.get(appeal=assignment.appeal)
    assert [(c.cited_id, c.relation) for c in decision.cites.all()] == [(earlier.pk, "distinguishes")]


def test_the_review_form_refuses_a_cited_decision_without_a_reason(client, citizen, system, guideline, moderator, make):
    earlier = make()
    assignment, reviewer = accepted(citizen, system, guideline, moderator)
    client.force_login(reviewer)
    answers = {"outcome": "upheld", "rationale": "r", "cited_clause_keys": ["R-1.1"], "citation_1_decision": earlier.pk}
    response = client.post(reverse("decide-appeal", args=[assignment.pk]), {**answers, "confirm": "1"})
    assert response.status_code == 400 and f"Say in a sentence why decision {earlier.pk} is cited." in response.text
    response = client.post(
        reverse("decide-appeal", args=[assignment.pk]),
        {
            **answers,
            "citation_1_decision": "999999",
            "citation_1_relation": "follows",
            "citation_1_reason": "Why.",
            "confirm": "1",
        },
    )
    import re

    print(re.findall(r"error-summary-list.*?</ul>", response.text, re.S))
    assert response.status_code == 400 and "There is no decision 999999." in response.text
    assert not Decision.objects.filter(appeal=assignment.appeal).exists()


def test_pages_cost_the_same_however_many_citations(client, make, guideline, citizen):
    client.force_login(citizen)  # rendered each time, never from the page cache
    lone = make()
    with CaptureQueriesContext(connection) as few:
        client.get(lone.appeal.get_absolute_url())
    with CaptureQueriesContext(connection) as few_on_clause:
        client.get(clause_page(guideline))
    hub = make(follows(lone))
    for _ in range(3):
        make(follows(hub), distinguishes(lone))
    with CaptureQueriesContext(connection) as many:
        client.get(hub.appeal.get_absolute_url())
    with CaptureQueriesContext(connection) as many_on_clause:
        client.get(clause_page(guideline))
    assert len(many) == len(few) and len(many_on_clause) == len(few_on_clause)
