""" "I did not write this": the mailed link, the neutral answer, the disputed label, the moderators' decision on the
record, and who may do what."""

import re
import time
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.ownership import ownership_token
from consultation.models import Comment, Dispute, Statement
from consultation.services import comments, disputes, opinions, suggestions
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEUTRAL = "If an account was created with this address, we have sent a link to it."


@pytest.fixture
def version(organization):
    return consultation(organization)


@pytest.fixture
def holder(db):
    return UserFactory(email="holder@example.org", display_name="Hal Holder")


@pytest.fixture
def comment(version, holder):
    return comments.post_comment(version=version, body="Something Hal never said.", by=holder)


def mailed_link(mail) -> str:
    return re.search(r"https?://[^/\s]+(/not-mine/\S+/)", mail.body).group(1)


def test_the_holder_disputes_through_the_mailed_link(
    client, comment, holder, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("not-mine"), {"email": "HOLDER@example.org"}, follow=True)
    assert NEUTRAL in asked.content.decode()
    assert [m.to for m in mailoutbox] == [["holder@example.org"]]
    link = mailed_link(mailoutbox[0])
    page = client.get(link).content.decode()
    assert "Something Hal never said." in page and f"I did not write comment {comment.pk}" in page
    client.post(link, {"kind": "comment", "object_id": comment.pk})
    comment.refresh_from_db()
    assert comment.is_disputed
    public = client.get(comment.get_absolute_url()).content.decode()
    assert "Disputed: the account holder says they did not write this" in public
    assert "Something Hal never said." in public  # labelled, not hidden
    entry = Entry.objects.get(kind=EntryKind.DISPUTE_OPENED)
    assert entry.subject == comment.subject and entry.data == {"dispute": Dispute.objects.get().pk}


def test_the_answer_is_the_same_for_an_unknown_address(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("not-mine"), {"email": "nobody@example.org"}, follow=True)
    assert NEUTRAL in asked.content.decode()
    assert not mailoutbox


def test_asking_is_rate_limited(client, holder, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.OWNERSHIP_LINKS_PER_WINDOW = 2
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post(reverse("not-mine"), {"email": "holder@example.org"})
        refused = client.post(reverse("not-mine"), {"email": "holder@example.org"})
    assert "Please wait an hour" in refused.content.decode()
    assert len(mailoutbox) == 2


def test_a_bad_address_is_refused_on_the_form(client):
    response = client.post(reverse("not-mine"), {"email": "not-an-address"})
    assert "Enter an email address like name@example.org." in response.content.decode()


def test_a_forged_expired_or_stale_link_is_refused(client, comment, holder, settings):
    token = ownership_token(holder)
    assert client.get(reverse("not-mine-account", args=[token[:-3] + "abc"])).status_code == 400
    later = time.time() + (settings.OWNERSHIP_LINK_HOURS + 1) * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.post(reverse("not-mine-account", args=[token]), {"kind": "comment", "object_id": comment.pk})
    assert expired.status_code == 400 and b"expired" in expired.content
    holder.email = "new@example.org"
    holder.save()
    assert client.get(reverse("not-mine-account", args=[token])).status_code == 400
    assert not Dispute.objects.exists()


def test_only_the_accounts_own_writing_can_be_disputed(client, version, holder, citizen):
    someone_elses = comments.post_comment(version=version, body="Ada's own words.", by=citizen)
    with pytest.raises(PermissionDenied):
        disputes.open_dispute(kind="comment", object_id=someone_elses.pk, by=holder)
    response = client.post(
        reverse("not-mine-account", args=[ownership_token(holder)]), {"kind": "comment", "object_id": someone_elses.pk}
    )
    assert response.status_code == 400 and not Dispute.objects.exists()


def test_disputing_twice_opens_one_dispute(comment, holder):
    disputes.open_dispute(kind="comment", object_id=comment.pk, by=holder)
    with pytest.raises(ValidationError, match="already disputed"):
        disputes.open_dispute(kind="comment", object_id=comment.pk, by=holder)
    assert Dispute.objects.count() == 1


def test_a_moderator_upholds_the_comment_is_hidden_and_the_account_suspended(
    client, version, comment, holder, moderator
):
    dispute = disputes.open_dispute(kind="comment", object_id=comment.pk, by=holder)
    client.force_login(moderator)
    queue = client.get(reverse("dispute-queue")).content.decode()
    assert f"Dispute {dispute.pk}" in queue and "Something Hal never said." in queue
    client.post(reverse("dispute-uphold", args=[dispute.pk]), {"note": "Confirmed with the holder."})
    comment.refresh_from_db()
    holder.refresh_from_db()
    assert comment.is_hidden and comment.is_disowned
    assert comment.tombstone == "Hidden by moderators: The account holder says they did not write this"
    assert holder.posting_suspended_at is not None
    client.logout()
    public = client.get(comment.get_absolute_url()).content.decode()
    assert "The account holder says they did not write this" in public
    assert "Something Hal never said." not in public
    upheld = Entry.objects.get(kind=EntryKind.DISPUTE_UPHELD)
    assert upheld.data == {"dispute": dispute.pk, "account_suspended": True}
    assert Entry.objects.get(kind=EntryKind.COMMENT_HIDDEN).data == {"reason": "not_theirs"}
    with pytest.raises(PermissionDenied, match="may not post"):
        comments.post_comment(version=version, body="Still here?", by=holder)


def test_a_moderator_rejects_the_label_goes_with_a_note(client, comment, holder, moderator):
    dispute = disputes.open_dispute(kind="comment", object_id=comment.pk, by=holder)
    client.force_login(moderator)
    refused = client.post(reverse("dispute-reject", args=[dispute.pk]), {"note": ""}, follow=True)
    assert "The note" in refused.content.decode()
    assert Dispute.objects.get().is_open
    client.post(reverse("dispute-reject", args=[dispute.pk]), {"note": "Posted from the holder's own session."})
    comment.refresh_from_db()
    holder.refresh_from_db()
    assert not comment.is_disputed and not comment.is_hidden and holder.posting_suspended_at is None
    entry = Entry.objects.get(kind=EntryKind.DISPUTE_REJECTED)
    assert entry.data == {"dispute": dispute.pk, "note": "Posted from the holder's own session."}
    assert "Disputed:" not in client.get(comment.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError, match="already decided"):
        disputes.uphold_dispute(dispute=dispute, by=moderator)


def test_a_suggestion_and_a_statement_are_taken_down_their_own_way(client, version, holder, moderator):
    suggestion = suggestions.make_suggestion(
        version=version, clause=version.clauses.first(), kind="delete", reason="Not written by Hal.", by=holder
    )
    statement = opinions.submit_statement(version=version, text="Not Hal's statement.", by=holder)
    for kind, row in [("suggestion", suggestion), ("statement", statement)]:
        dispute = disputes.open_dispute(kind=kind, object_id=row.pk, by=holder)
        disputes.uphold_dispute(dispute=dispute, by=moderator)
    statement.refresh_from_db()
    assert statement.status == Statement.REJECTED
    assert statement.rejection_reason == "The account holder says they did not write this"
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert "Taken down: the account holder says they did not write this" in page
    assert "Not written by Hal." not in page
    assert Entry.objects.filter(kind=EntryKind.DISPUTE_UPHELD).count() == 2
    second = Entry.objects.filter(kind=EntryKind.DISPUTE_UPHELD).order_by("seq").last()
    assert second.data["account_suspended"] is False  # suspended once, by the first


def test_who_may_decide(client, comment, holder, publisher, citizen, moderator, organization):
    dispute = disputes.open_dispute(kind="comment", object_id=comment.pk, by=holder)
    conflicted = UserFactory(is_moderator=True)
    MembershipFactory(user=conflicted, organization=organization)
    for person in [publisher, citizen, holder]:
        client.force_login(person)
        assert client.get(reverse("dispute-queue")).status_code == 403
        assert client.post(reverse("dispute-uphold", args=[dispute.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            disputes.uphold_dispute(dispute=dispute, by=person)
    with pytest.raises(PermissionDenied, match="You publish for Acme AI"):
        disputes.uphold_dispute(dispute=dispute, by=conflicted)
    client.force_login(conflicted)
    assert "You publish for Acme AI" in client.get(reverse("dispute-queue")).content.decode()
    assert Dispute.objects.get().is_open


def test_the_queue_is_cursor_paginated_in_constant_queries(
    client, version, holder, moderator, django_assert_max_num_queries
):
    for n in range(30):
        row = CommentFactory(version=version, author=holder, body=f"Not mine {n}.")
        disputes.open_dispute(kind="comment", object_id=row.pk, by=holder)
    client.force_login(moderator)
    for queue in ["/moderation/comments/", "/moderation/statements/", "/moderation/bursts/"]:
        assert 'href="/moderation/disputes/">Disputes</a>' in client.get(queue).content.decode()
    with django_assert_max_num_queries(12):
        first = client.get(reverse("dispute-queue")).content.decode()
    newest = Dispute.objects.order_by("-pk")
    assert f"Dispute {newest[0].pk}:" in first and f"Dispute {newest[25].pk}:" not in first
    cursor = re.search(r"before=(\d+)", first).group(1)
    with django_assert_max_num_queries(12):
        second = client.get(reverse("dispute-queue") + f"?before={cursor}").content.decode()
    assert f"Dispute {newest[25].pk}:" in second and "Older disputes" not in second


def test_a_hidden_comment_upheld_stays_hidden_once(version, holder, moderator):
    comment = CommentFactory(version=version, author=holder)
    dispute = disputes.open_dispute(kind="comment", object_id=comment.pk, by=holder)
    comments.hide_comment(comment=comment, reason="spam", by=moderator)
    disputes.uphold_dispute(dispute=dispute, by=moderator)
    assert Comment.objects.get(pk=comment.pk).hidden_reason == "spam"
    assert Entry.objects.filter(kind=EntryKind.COMMENT_HIDDEN).count() == 1


def test_the_holders_page_pages_each_kind_in_constant_queries(client, version, holder, django_assert_max_num_queries):
    for n in range(25):
        CommentFactory(version=version, author=holder, body=f"Comment {n} in Hal's name.")
    link = reverse("not-mine-account", args=[ownership_token(holder)])
    with django_assert_max_num_queries(10):
        first = client.get(link).content.decode()
    assert first.count("I did not write comment") == 20
    older = re.search(r"comment_before=(\d+)", first).group(1)
    with django_assert_max_num_queries(10):
        second = client.get(f"{link}?comment_before={older}").content.decode()
    assert second.count("I did not write comment") == 5
