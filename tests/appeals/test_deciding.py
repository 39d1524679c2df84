import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appeals import selectors, services
from appeals.forms import DecisionForm, ResponseForm
from appeals.models import Appeal, Assignment, Citation, Decision, OrganizationResponse, Vote
from core.models import AppendOnlyError
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import admitted, make_reviewer


def accepted_panel(appeal, *handles):
    reviewers = [make_reviewer(handle) for handle in handles]
    services.route_appeal(appeal=appeal)
    for assignment in appeal.assignments.select_related("reviewer__user"):
        services.accept_assignment(assignment=assignment, by=assignment.reviewer.user)
    return {r.handle: appeal.assignments.get(reviewer=r) for r in reviewers}


def vote(assignment, outcome, keys=("R-1.1",), **extra):
    return services.decide_appeal(
        assignment=assignment,
        by=assignment.reviewer.user,
        outcome=outcome,
        rationale=extra.pop("rationale", f"Reasons for {outcome}."),
        cited_clause_keys=list(keys),
        **extra,
    )


@pytest.fixture
def appeal(citizen, system, guideline, moderator):
    return admitted(citizen, system, guideline, moderator)


def test_accepting_puts_the_appeal_in_review_with_a_due_date(appeal, settings):
    settings.REVIEW_DAYS = 14
    assignment = accepted_panel(appeal, "rae")["rae"]
    appeal.refresh_from_db()
    assert appeal.status == Appeal.IN_REVIEW
    assert (assignment.due_at - assignment.responded_at).days == 14


def test_a_single_reviewer_decides(appeal, mailoutbox, publisher, django_capture_on_commit_callbacks):
    assignment = accepted_panel(appeal, "rae")["rae"]
    with django_capture_on_commit_callbacks(execute=True):
        decision = vote(assignment, Decision.OVERTURNED)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.DECIDED
    assert decision.cited_clause_keys == ["R-1.1"]
    assert Entry.objects.filter(kind=EntryKind.APPEAL_DECIDED).count() == 1
    assert any(publisher.email in m.to and "respond" in m.body for m in mailoutbox)


def test_a_panel_decides_by_majority_and_records_the_dissent(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator, significant=True)
    panel = accepted_panel(appeal, "a", "b", "c")
    assert vote(panel["a"], Decision.OVERTURNED) is None
    assert vote(panel["b"], Decision.UPHELD) is None
    decision = vote(panel["c"], Decision.OVERTURNED)
    assert decision.outcome == Decision.OVERTURNED
    dissent = [v.assignment.reviewer.handle for v in decision.votes.all() if v.is_dissent()]
    assert dissent == ["b"]
    assert "Dissent: b" in appeal.events.get(kind="decided").note


def test_a_decision_must_cite_a_clause_of_the_version(appeal):
    assignment = accepted_panel(appeal, "rae")["rae"]
    form = DecisionForm({"outcome": "upheld", "rationale": "r"}, appeal=appeal)
    assert not form.is_valid() and "cited_clause_keys" in form.errors
    with pytest.raises(ValidationError) as error:
        vote(assignment, Decision.UPHELD, keys=("Z-9.9",))
    assert "Not clauses of the version in force: Z-9.9." in error.value.message_dict["cited_clause_keys"]
    assert not Decision.objects.exists()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.ACCEPTED


def test_only_the_assigned_reviewer_decides(appeal, publisher, moderator):
    assignment = accepted_panel(appeal, "rae")["rae"]
    outsider = make_reviewer("outsider")
    for user in [publisher, moderator, outsider.user]:
        with pytest.raises(PermissionDenied):
            services.decide_appeal(
                assignment=assignment, by=user, outcome="upheld", rationale="x", cited_clause_keys=["R-1.1"]
            )
    assert not Decision.objects.exists()


def test_a_decision_its_votes_and_responses_are_never_edited_or_deleted(appeal, publisher):
    decision = vote(accepted_panel(appeal, "rae")["rae"], Decision.UPHELD)
    services.respond_to_decision(decision=decision, by=publisher, kind="disagrees", text="We disagree.")
    decision.rationale = "rewritten"
    with pytest.raises(AppendOnlyError):
        decision.save()
    changes = [
        (Decision, {"outcome": "overturned"}),
        (Vote, {"outcome": "overturned"}),
        (OrganizationResponse, {"text": "x"}),
    ]
    for model, change in changes:
        with pytest.raises(AppendOnlyError):
            model.objects.update(**change)
        with pytest.raises(AppendOnlyError):
            model.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            model.objects.get().delete()
    with pytest.raises(AppendOnlyError):
        Vote.objects.update(decision=None)
    assert Vote.objects.filter(decision=decision, outcome=Decision.UPHELD).count() == 1
    assert Decision.objects.get().rationale == "Reasons for upheld."
    assert OrganizationResponse.objects.get().text == "We disagree."


def test_a_correction_supersedes_and_both_stay_visible(appeal, moderator, citizen):
    original = vote(accepted_panel(appeal, "rae")["rae"], Decision.UPHELD)
    with pytest.raises(PermissionDenied):
        services.correct_decision(
            decision=original, by=citizen, outcome="overturned", rationale="x", cited_clause_keys=["R-1.1"], note="n"
        )
    correction = services.correct_decision(
        decision=original,
        by=moderator,
        outcome=Decision.OVERTURNED,
        rationale="The first text named the wrong clause.",
        cited_clause_keys=["R-1.1"],
        note="Wrong outcome recorded.",
    )
    assert correction.supersedes == original
    assert list(appeal.decisions.order_by("pk")) == [original, correction]
    assert list(Decision.objects.current()) == [correction]
    with pytest.raises(ValidationError):
        services.correct_decision(
            decision=original, by=moderator, outcome="upheld", rationale="x", cited_clause_keys=["R-1.1"], note="n"
        )


def test_the_organization_responds_to_a_decision(appeal, publisher, other_organization):
    from tests.factories import MembershipFactory

    decision = vote(accepted_panel(appeal, "rae")["rae"], Decision.OVERTURNED)
    outsider = MembershipFactory(organization=other_organization).user
    with pytest.raises(PermissionDenied):
        services.respond_to_decision(decision=decision, by=outsider, kind="will_comply", text="Sure.")
    form = ResponseForm({"kind": "maybe", "text": ""})
    assert not form.is_valid() and set(form.errors) == {"kind", "text"}
    response = services.respond_to_decision(decision=decision, by=publisher, kind="will_comply", text="We will.")
    assert response.decision == decision
    assert appeal.events.filter(kind="responded").exists()


def test_earlier_decisions_under_the_same_clause_are_found(citizen, system, guideline, moderator, appeal):
    earlier = vote(accepted_panel(appeal, "rae")["rae"], Decision.UPHELD)
    later = admitted(citizen, system, guideline, moderator, refusal_excerpt="Again refused.")
    assert selectors.earlier_decisions(later) == [earlier]
    citation = Citation(decision=earlier.pk, relation="follows", reason="Same question.")
    decision = vote(accepted_panel(later, "sam")["sam"], Decision.OVERTURNED, citations=[citation])
    assert [c.cited for c in decision.cites.all()] == [earlier]


def test_clause_pressure_counts_appeals_and_overturns_in_two_queries(
    citizen, system, guideline, moderator, appeal, django_assert_num_queries
):
    vote(accepted_panel(appeal, "rae")["rae"], Decision.OVERTURNED)
    admitted(citizen, system, guideline, moderator, refusal_excerpt="b", clause_keys=["R-1.1", "R-2.1"])
    with django_assert_num_queries(2):
        pressure = selectors.clause_pressure(guideline)
    counts = {key: (p.appealed, p.decided, p.overturned) for key, p in pressure.items()}
    assert counts == {"R-1.1": (2, 1, 1), "R-2.1": (1, 0, 0), "R-3.1": (0, 0, 0)}


def test_the_appellant_cannot_withdraw_once_decided(appeal, citizen):
    vote(accepted_panel(appeal, "rae")["rae"], Decision.UPHELD)
    with pytest.raises(ValidationError):
        services.withdraw_appeal(appeal=appeal, by=citizen)


def test_the_timeline_is_append_only(appeal):
    event = appeal.events.first()
    event.note = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        appeal.events.all().delete()
