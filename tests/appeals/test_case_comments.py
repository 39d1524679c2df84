"""Selecting an appeal for public comment, its window, commenting and hiding: the services' rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, CaseComment, CommentCall, CommentWindowExtension
from appeals.services import case_comments
from core.models import AppendOnlyError
from ledger.content import text_sha256
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.case_factories import close_window, redacted, selected
from tests.appeals.factories import admitted, file
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def open_it(appeal, by, criteria=(CommentCall.SIMILAR_APPEALS,), reason="Many appeal this clause."):
    return case_comments.open_for_comment(appeal=appeal, criteria=list(criteria), reason=reason, by=by)


@pytest.fixture
def appeal(citizen, system, guideline, moderator):
    return selected(citizen, system, guideline, moderator)


def test_a_moderator_opens_a_screened_redacted_appeal_for_fourteen_days(citizen, system, guideline, moderator):
    appeal = redacted(admitted(citizen, system, guideline, moderator), moderator)
    call = open_it(appeal, moderator, criteria=[CommentCall.PUBLIC_INTEREST, CommentCall.CLAUSE_UNDER_PRESSURE])
    assert call.closes_at - call.opens_at == timedelta(days=14)
    assert call.is_open()
    entry = Entry.objects.get(kind=EntryKind.APPEAL_OPENED_FOR_COMMENT)
    assert entry.subject == appeal.subject
    assert entry.data["criteria"] == ["public_interest", "clause_under_pressure"]
    assert entry.data["clauses"] == ["R-1.1"]
    assert entry.data["prompt_excerpt_sha256"] == text_sha256("How much paracetamol is too much?")
    assert appeal.events.filter(kind="opened_for_comment").exists()


def test_the_window_length_is_a_setting(citizen, system, guideline, moderator, settings):
    settings.APPEAL_COMMENT_WINDOW_DAYS = 30
    appeal = redacted(admitted(citizen, system, guideline, moderator), moderator)
    call = open_it(appeal, moderator)
    assert call.closes_at - call.opens_at == timedelta(days=30)


def test_an_appeal_not_yet_admitted_is_refused(citizen, system, guideline, moderator):
    appeal = redacted(file(citizen, system, guideline), moderator)
    with pytest.raises(ValidationError, match="Only an admitted appeal"):
        open_it(appeal, moderator)
    assert not CommentCall.objects.exists()


def test_an_appeal_not_redacted_is_refused(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    with pytest.raises(ValidationError, match="redact"):
        open_it(appeal, moderator)
    assert not CommentCall.objects.exists()


def test_an_appeal_is_opened_once(appeal, moderator):
    with pytest.raises(ValidationError, match="already open"):
        open_it(appeal, moderator)
    assert CommentCall.objects.count() == 1


def test_only_a_moderator_without_a_conflict_selects(citizen, system, guideline, moderator, organization):
    appeal = redacted(admitted(citizen, system, guideline, moderator), moderator)
    conflicted = UserFactory(is_moderator=True)
    MembershipFactory(organization=organization, user=conflicted)
    for person in (citizen, UserFactory(), conflicted):
        with pytest.raises(PermissionDenied):
            open_it(appeal, person)
    assert not CommentCall.objects.exists()


@pytest.mark.parametrize(
    ("criteria", "reason", "field"),
    [([], "Why.", "criteria"), (["popular"], "Why.", "criteria"), (["public_interest"], "  ", "reason"),
     (["public_interest"], "x" * 1001, "reason")],
)  # fmt: skip
def test_bad_selection_input_changes_nothing(citizen, system, guideline, moderator, criteria, reason, field):
    appeal = redacted(admitted(citizen, system, guideline, moderator), moderator)
    with pytest.raises(ValidationError) as error:
        open_it(appeal, moderator, criteria=criteria, reason=reason)
    assert field in error.value.message_dict
    assert not CommentCall.objects.exists()


def test_the_window_is_extended_on_the_record(appeal, moderator):
    call = appeal.comment_call
    later = call.closes_at + timedelta(days=7)
    case_comments.extend_comment_window(appeal=appeal, closes_at=later, reason="Many asked for time.", by=moderator)
    call.refresh_from_db()
    assert call.closes_at == later
    extension = CommentWindowExtension.objects.get()
    assert extension.previous_closes_at < extension.closes_at == later
    entry = Entry.objects.get(kind=EntryKind.APPEAL_COMMENT_WINDOW_EXTENDED)
    assert entry.data["closes_at"] == later.isoformat() and entry.data["reason"] == "Many asked for time."


@pytest.mark.parametrize("days", [-1, 0])
def test_the_window_is_never_shortened(appeal, moderator, days):
    call = appeal.comment_call
    with pytest.raises(ValidationError, match="never shortened"):
        case_comments.extend_comment_window(
            appeal=appeal, closes_at=call.closes_at + timedelta(days=days), reason="Hurry.", by=moderator
        )
    call.refresh_from_db()
    assert call.closes_at - call.opens_at == timedelta(days=14)
    assert not CommentWindowExtension.objects.exists()


def test_the_database_refuses_a_shorter_extension_and_an_edit(appeal, moderator):
    call = appeal.comment_call
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentWindowExtension.objects.create(
            call=call, previous_closes_at=call.closes_at, closes_at=call.opens_at, reason="x", by=moderator
        )
    later = call.closes_at + timedelta(days=1)
    case_comments.extend_comment_window(appeal=appeal, closes_at=later, reason="Time.", by=moderator)
    with pytest.raises(AppendOnlyError):
        CommentWindowExtension.objects.get().save()


def test_a_citizen_comments_while_the_window_is_open(appeal, citizen):
    comment = case_comments.post_case_comment(appeal=appeal, body="Overturn it: *dosage* is public.", by=citizen)
    assert comment.status == CaseComment.PUBLISHED and "<em>dosage</em>" in comment.body_html
    entry = Entry.objects.get(kind=EntryKind.CASE_COMMENT_POSTED)
    assert entry.subject == f"case-comment:{comment.pk}"
    assert entry.data["appeal"] == appeal.public_id and entry.data["author"] == "Ada Citizen"
    assert entry.data["body_sha256"] == text_sha256("Overturn it: *dosage* is public.")
    assert "dosage" not in entry.payload
    assert CommentCall.objects.get().comment_count == 1


def test_an_organization_comments_on_its_behalf(appeal, citizen):
    comment = case_comments.post_case_comment(appeal=appeal, body="We agree.", on_behalf_of="EFF", by=citizen)
    assert comment.on_behalf_of == "EFF"
    assert Entry.objects.get(kind=EntryKind.CASE_COMMENT_POSTED).data["on_behalf_of"] == "EFF"


def test_a_comment_after_the_window_is_refused(appeal, citizen):
    close_window(appeal)
    with pytest.raises(ValidationError, match="not open for public comment"):
        case_comments.post_case_comment(appeal=appeal, body="Late.", by=citizen)
    assert not CaseComment.objects.exists()


def test_an_appeal_not_open_for_comment_takes_none(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    with pytest.raises(ValidationError):
        case_comments.post_case_comment(appeal=appeal, body="Hello.", by=citizen)
    assert not CaseComment.objects.exists()


def test_an_unverified_person_cannot_comment(appeal, unverified):
    with pytest.raises(PermissionDenied, match="verified email"):
        case_comments.post_case_comment(appeal=appeal, body="Hi.", by=unverified)
    assert not CaseComment.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_an_empty_or_enormous_comment_is_refused(appeal, citizen, body):
    with pytest.raises(ValidationError) as error:
        case_comments.post_case_comment(appeal=appeal, body=body, by=citizen)
    assert "body" in error.value.message_dict
    assert not CaseComment.objects.exists() and CommentCall.objects.get().comment_count == 0


def test_comments_are_rate_limited(appeal, citizen, settings):
    settings.CONSULTATION_COMMENT_LIMIT = 2
    for n in range(2):
        case_comments.post_case_comment(appeal=appeal, body=f"Point {n}.", by=citizen)
    with pytest.raises(ValidationError, match="Please wait"):
        case_comments.post_case_comment(appeal=appeal, body="Point 3.", by=citizen)
    assert CaseComment.objects.count() == 2


def test_a_moderator_hides_a_comment_behind_a_tombstone_on_the_record(appeal, citizen, moderator):
    comment = case_comments.post_case_comment(appeal=appeal, body="Buy pills at example.com", by=citizen)
    case_comments.hide_case_comment(comment=comment, reason="spam", note="Seen before.", by=moderator)
    comment.refresh_from_db()
    assert comment.is_hidden and comment.tombstone == "Hidden by moderators: Spam or advertising"
    entry = Entry.objects.get(kind=EntryKind.CASE_COMMENT_HIDDEN)
    assert entry.subject == comment.subject and entry.data == {"appeal": appeal.public_id, "reason": "spam"}
    assert "Seen before" not in entry.payload
    assert CaseComment.objects.filter(pk=comment.pk).exists()  # never deleted


def test_hiding_is_refused_to_others_and_for_bad_reasons(appeal, citizen, moderator, organization):
    comment = case_comments.post_case_comment(appeal=appeal, body="Fine.", by=citizen)
    conflicted = UserFactory(is_moderator=True)
    MembershipFactory(organization=organization, user=conflicted)
    for person in (citizen, UserFactory(), conflicted):
        with pytest.raises(PermissionDenied):
            case_comments.hide_case_comment(comment=comment, reason="spam", by=person)
    with pytest.raises(ValidationError):
        case_comments.hide_case_comment(comment=comment, reason="boring", by=moderator)
    comment.refresh_from_db()
    assert not comment.is_hidden and not Entry.objects.filter(kind=EntryKind.CASE_COMMENT_HIDDEN).exists()


def test_a_hidden_comment_is_not_hidden_twice(appeal, citizen, moderator):
    comment = case_comments.post_case_comment(appeal=appeal, body="Spam.", by=citizen)
    case_comments.hide_case_comment(comment=comment, reason="spam", by=moderator)
    with pytest.raises(ValidationError, match="already hidden"):
        case_comments.hide_case_comment(comment=comment, reason="abuse", by=moderator)


def test_the_extension_of_a_closed_window_must_end_in_the_future(appeal, moderator):
    close_window(appeal)
    call = CommentCall.objects.get()
    with pytest.raises(ValidationError):
        case_comments.extend_comment_window(
            appeal=appeal, closes_at=timezone.now() - timedelta(seconds=1), reason="Oops.", by=moderator
        )
    assert CommentCall.objects.get().closes_at == call.closes_at


def test_a_withdrawn_appeal_takes_no_more_comments(appeal, citizen):
    services.withdraw_appeal(appeal=appeal, by=citizen)
    with pytest.raises(ValidationError, match="withdrawn"):
        case_comments.post_case_comment(appeal=Appeal.objects.get(pk=appeal.pk), body="Still?", by=citizen)
    assert not CaseComment.objects.exists()
