"""What public comments change for reviewers and the decision, how campaigns are clustered, and the record's hashes."""

import random

import pytest
from django.core.exceptions import ValidationError

from appeals import services
from appeals.forms import DecisionForm
from appeals.models import CaseComment, Decision
from appeals.services import case_comments
from appeals.services.case_clustering import cluster_pending_case_comments
from appeals.tasks import sweep_unclustered_case_comments
from consultation.services.campaigns import text_hash
from ledger.content import text_sha256
from ledger.content_check import check_content
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.case_factories import close_window, selected
from tests.appeals.factories import make_reviewer
from tests.consultation.campaign_text import campaign_comment, distinct_comment
from tests.factories import UserFactory
from tests.ledger.test_content import forge

pytestmark = pytest.mark.django_db
CONSIDERED = "Most comments argued that dosage limits are public; we agree (see the rationale)."


@pytest.fixture
def appeal(citizen, system, guideline, moderator):
    return selected(citizen, system, guideline, moderator)


def accepted(appeal, handle="rae"):
    reviewer = make_reviewer(handle)
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    return assignment


def decide(assignment, **extra):
    return services.decide_appeal(
        assignment=assignment,
        by=assignment.reviewer.user,
        outcome=Decision.OVERTURNED,
        rationale="Public health information.",
        cited_clause_keys=["R-1.1"],
        **extra,
    )


def _bulk(appeal, bodies):
    author = UserFactory()
    return CaseComment.objects.bulk_create(
        CaseComment(appeal=appeal, author=author, body=body, text_hash=text_hash(body)) for body in bodies
    )


def test_the_decision_waits_for_the_window_to_close(appeal, citizen):
    case_comments.post_case_comment(appeal=appeal, body="Overturn.", by=citizen)
    assignment = accepted(appeal)
    with pytest.raises(ValidationError, match="open until"):
        decide(assignment, comments_considered=CONSIDERED)
    assert not Decision.objects.exists()


def test_the_decision_must_say_how_the_comments_were_considered(appeal, citizen):
    case_comments.post_case_comment(appeal=appeal, body="Overturn.", by=citizen)
    assignment = accepted(appeal)
    close_window(appeal)
    for empty in ("", "   "):
        with pytest.raises(ValidationError) as error:
            decide(assignment, comments_considered=empty)
        assert "comments_considered" in error.value.message_dict
    with pytest.raises(ValidationError):
        decide(assignment, comments_considered="x" * 20001)
    assert not Decision.objects.exists()


def test_the_consideration_is_stored_shown_and_bound_on_the_record(appeal, citizen, client):
    case_comments.post_case_comment(appeal=appeal, body="Overturn.", by=citizen)
    assignment = accepted(appeal)
    close_window(appeal)
    decision = decide(assignment, comments_considered=CONSIDERED)
    assert decision.comments_considered == CONSIDERED
    entry = Entry.objects.get(kind=EntryKind.APPEAL_DECIDED)
    assert entry.data["comments_considered_sha256"] == text_sha256(CONSIDERED)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "How the public comments were considered" in page and "dosage limits are public" in page
    assert "Overturn." in page  # the comments stay public with the decision
    report = check_content()
    assert report.ok


def test_an_edited_consideration_or_comment_is_named_by_the_content_check(appeal, citizen):
    comment = case_comments.post_case_comment(appeal=appeal, body="Overturn.", by=citizen)
    assignment = accepted(appeal)
    close_window(appeal)
    decision = decide(assignment, comments_considered=CONSIDERED)
    forge("appeals_decision", "comments_considered", decision.pk)
    forge("appeals_casecomment", "body", comment.pk)
    report = check_content()
    assert f"how decision {decision.pk} considered the public comments" in report.mismatched
    assert f"case comment {comment.pk}" in report.mismatched


def test_without_comments_nothing_more_is_asked(appeal):
    assignment = accepted(appeal)
    close_window(appeal)
    assert "comments_considered" not in DecisionForm(appeal=appeal).fields
    decision = decide(assignment, comments_considered="ignored")
    assert decision.comments_considered == ""
    assert "comments_considered_sha256" not in Entry.objects.get(kind=EntryKind.APPEAL_DECIDED).data


def test_the_form_asks_for_it_only_when_there_were_comments(appeal, citizen):
    case_comments.post_case_comment(appeal=appeal, body="Overturn.", by=citizen)
    assert DecisionForm(appeal=appeal).fields["comments_considered"].required


def test_a_correction_keeps_how_the_comments_were_considered(appeal, citizen, moderator):
    case_comments.post_case_comment(appeal=appeal, body="Overturn.", by=citizen)
    assignment = accepted(appeal)
    close_window(appeal)
    decision = decide(assignment, comments_considered=CONSIDERED)
    correction = services.correct_decision(
        decision=decision, by=moderator, outcome=Decision.PARTIAL, rationale="In part.", cited_clause_keys=["R-1.1"],
        note="Only the dosage part.",
    )  # fmt: skip
    assert correction.comments_considered == CONSIDERED
    assert Entry.objects.get(kind=EntryKind.APPEAL_CORRECTED).data["comments_considered_sha256"] == text_sha256(
        CONSIDERED
    )


def test_near_duplicates_are_clustered_after_commit(appeal, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = case_comments.post_case_comment(appeal=appeal, body="Overturn this refusal NOW!", by=citizen)
        again = case_comments.post_case_comment(appeal=appeal, body="overturn this refusal now", by=UserFactory())
        other = case_comments.post_case_comment(appeal=appeal, body="The clause protects people.", by=UserFactory())
    first.refresh_from_db(), again.refresh_from_db(), other.refresh_from_db()
    assert first.cluster_id == again.cluster_id == first.pk and first.cluster_size == 2
    assert other.cluster_id == other.pk and other.cluster_size == 1
    shown = list(CaseComment.objects.filter(appeal=appeal).shown_once())
    assert shown == [first, other]


def test_a_campaign_lands_in_one_cluster_and_distinct_comments_stay_apart(appeal):
    rng = random.Random(21)
    bodies = [(True, campaign_comment(rng)) for _ in range(300)] + [(False, distinct_comment(rng)) for _ in range(100)]
    rng.shuffle(bodies)
    comments = _bulk(appeal, [body for _, body in bodies])
    assert cluster_pending_case_comments(appeal_id=appeal.pk, batch=150) == 400  # three batches, as a burst would
    clusters = dict(CaseComment.objects.filter(appeal=appeal).values_list("pk", "cluster_id"))
    campaign = {clusters[c.pk] for c, (is_campaign, _) in zip(comments, bodies, strict=True) if is_campaign}
    distinct = [clusters[c.pk] for c, (is_campaign, _) in zip(comments, bodies, strict=True) if not is_campaign]
    assert len(campaign) == 1
    assert len(set(distinct)) == 100 and not campaign & set(distinct)
    assert CaseComment.objects.get(pk=campaign.pop()).cluster_size == 300


def test_the_sweep_clusters_what_a_lost_request_left(appeal):
    _bulk(appeal, ["Same words here.", "same words here"])
    assert sweep_unclustered_case_comments() == 2
    assert CaseComment.objects.filter(cluster__isnull=True).count() == 0


def test_the_reviewer_sees_the_case_comments(appeal, citizen, moderator, client):
    case_comments.post_case_comment(appeal=appeal, body="Consider the pharmacists.", by=citizen)
    hidden = case_comments.post_case_comment(appeal=appeal, body="Spam spam.", by=UserFactory())
    case_comments.hide_case_comment(comment=hidden, reason="spam", by=moderator)
    assignment = accepted(appeal)
    client.force_login(assignment.reviewer.user)
    page = client.get(f"/reviewing/{assignment.pk}/").content.decode()
    assert "Public comments on this case" in page and "Consider the pharmacists." in page
    assert "Spam spam." not in page and "Hidden by moderators: Spam or advertising" in page
    assert "Decide once the window has closed" in page
