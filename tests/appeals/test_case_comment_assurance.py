"""Who is speaking on a case: each public comment on an appeal stores its author's assurance when posted, shows it,
counts it on the case, carries it in the API and open data, may be the organization's own voice (its publishers
only), and may be disputed by the account holder ("I did not write this")."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.ownership import ownership_token
from appeals.models import CaseComment
from appeals.services import case_comments
from consultation.models import Dispute
from consultation.services import disputes
from ledger.kinds import EntryKind
from ledger.models import Entry
from opendata.writing import export_open_data
from tests.accounts.test_assurance import verify
from tests.appeals.case_factories import selected
from tests.appeals.test_case_comments_cost import MOST as POSTING_AS_ONESELF
from tests.consultation.factories import auth
from tests.factories import MembershipFactory, UserFactory
from tests.ledger.conftest import record_key, record_signer  # noqa: F401 (fixtures used by name)
from tests.opendata.test_open_data import open_data_root, rows  # noqa: F401 (the fixture is used by name)
from transparency.signals import QUEUED_KEY

pytestmark = pytest.mark.django_db

NOT_THEIRS_TOMBSTONE = "Hidden by moderators: The account holder says they did not write this"


@pytest.fixture
def appeal(citizen, system, guideline, moderator):
    return selected(citizen, system, guideline, moderator)


@pytest.fixture
def member(organization, publisher):
    verify(organization, "acme.example", publisher)
    return UserFactory(email="jo@acme.example", display_name="Jo Member")


@pytest.fixture
def holder(db):
    return UserFactory(email="holder@example.org", display_name="Hal Holder")


@pytest.fixture
def reader(db) -> Client:
    """A signed-in reader: never served from the page cache, which tests do not renew (it renews after commit)."""
    client = Client()
    client.force_login(UserFactory(display_name="Rea Reader"))
    return client


def post(appeal, by, body, **extra) -> CaseComment:
    return case_comments.post_case_comment(appeal=appeal, body=body, by=by, **extra)


def api_url(appeal) -> str:
    return f"/api/v1/appeals/{appeal.public_id}/comments/"


def test_each_level_is_stored_shown_and_counted_on_the_case(reader, appeal, citizen, member, publisher, organization):
    plain = post(appeal, citizen, "As myself.")
    second = post(appeal, UserFactory(), "Me too.")
    as_member = post(appeal, member, "As a member.")
    voice = post(appeal, publisher, "As Acme.", as_organization=organization)
    assert (plain.assurance, plain.assurance_organization) == ("verified_email", "")
    assert (as_member.assurance, as_member.assurance_organization) == ("verified_member", "Acme AI")
    assert (voice.assurance, voice.assurance_organization) == ("organization", "Acme AI")
    organization.name = "Acme Renamed"
    organization.save()  # what was said then stays as it was said
    page = reader.get(appeal.get_absolute_url()).content.decode()
    assert "verified member of Acme AI" in page and "Acme AI: organization" in page
    assert page.count(">verified email</span>") == 2
    assert (
        "4 comments: 2 with a verified email, 1 verified member of Acme AI, 1 from Acme AI as the organization." in page
    )
    case_comments.hide_case_comment(comment=second, reason="spam", by=UserFactory(is_moderator=True))
    page = reader.get(appeal.get_absolute_url()).content.decode()
    assert "3 comments: 1 with a verified email" in page  # hidden ones are not counted


def test_a_publisher_posts_as_the_organization_through_the_form(client, appeal, publisher, organization):
    client.force_login(publisher)
    form = client.get(appeal.get_absolute_url()).content.decode()
    assert "Post as" in form and "Acme AI (the organization)" in form
    response = client.post(
        reverse("case-comment-new", args=[appeal.public_id]), {"body": "Our view.", "as_organization": "acme"}
    )
    assert response.status_code == 302
    assert CaseComment.objects.get().assurance == "organization"


def test_anyone_else_is_refused_the_organization_voice(client, appeal, citizen, other_organization, publisher):
    client.force_login(citizen)
    assert "Post as" not in client.get(appeal.get_absolute_url()).content.decode()
    url = reverse("case-comment-new", args=[appeal.public_id])
    refused = client.post(url, {"body": "Pretending.", "as_organization": "acme"})
    assert refused.status_code == 400
    assert "Only the publishers of Acme AI may post as the organization." in refused.content.decode()
    unknown = client.post(url, {"body": "Pretending.", "as_organization": "nobody"})
    assert "There is no such organization." in unknown.content.decode()
    with pytest.raises(PermissionDenied):
        post(appeal, publisher, "Not ours.", as_organization=other_organization)
    assert not CaseComment.objects.exists()
    assert not Entry.objects.filter(kind=EntryKind.CASE_COMMENT_POSTED).exists()


def test_the_api_posts_as_the_organization_and_says_who_spoke(client, appeal, citizen, publisher, member):
    refused = client.post(
        api_url(appeal), {"body": "Pretending.", "as_organization": "acme"}, content_type="application/json",
        **auth(citizen),
    )  # fmt: skip
    assert refused.status_code == 403 and "Only the publishers of Acme AI" in refused.json()["detail"]
    made = client.post(
        api_url(appeal), {"body": "Our view.", "as_organization": "acme"}, content_type="application/json",
        **auth(publisher),
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    assert (made.json()["assurance"], made.json()["assurance_organization"]) == ("organization", "Acme AI")
    post(appeal, member, "As a member.")
    hidden = post(appeal, citizen, "Spam!")
    case_comments.hide_case_comment(comment=hidden, reason="spam", by=UserFactory(is_moderator=True))
    listed = {row["id"]: row for row in client.get(api_url(appeal)).json()["results"]}
    member_row = next(row for row in listed.values() if row["assurance"] == "verified_member")
    assert (member_row["assurance_organization"], member_row["disputed"]) == ("Acme AI", False)
    assert (listed[hidden.pk]["assurance"], listed[hidden.pk]["assurance_organization"]) == (None, None)


def test_the_open_data_says_who_spoke(appeal, citizen, member, holder):
    post(appeal, member, "As a member.")
    disputed = post(appeal, holder, "Not Hal's.")
    disputes.open_dispute(kind="case_comment", object_id=disputed.pk, by=holder)
    exported = {row["body"]: row for row in rows(export_open_data(), "appeal-comments")}
    member_row, disputed_row = exported["As a member."], exported["Not Hal's."]
    assert (member_row["assurance"], member_row["assurance_organization"], member_row["disputed"]) == (
        "verified_member",
        "Acme AI",
        False,
    )
    assert (disputed_row["assurance"], disputed_row["disputed"]) == ("verified_email", True)


def test_the_holder_disputes_a_case_comment_and_a_moderator_upholds(client, reader, appeal, holder, moderator):
    comment = post(appeal, holder, "Something Hal never said.")
    link = reverse("not-mine-account", args=[ownership_token(holder)])
    listing = client.get(link).content.decode()
    assert "Case comments" in listing and f"I did not write case comment {comment.pk}" in listing
    assert f"appeal {appeal.public_id}" in listing
    client.post(link, {"kind": "case_comment", "object_id": comment.pk})
    comment.refresh_from_db()
    assert comment.is_disputed
    public = reader.get(appeal.get_absolute_url()).content.decode()
    assert "Disputed: the account holder says they did not write this" in public
    assert "Something Hal never said." in public  # labelled, not hidden
    assert client.get(api_url(appeal)).json()["results"][0]["disputed"] is True
    dispute = Dispute.objects.get()
    assert Entry.objects.get(kind=EntryKind.DISPUTE_OPENED).subject == comment.subject
    client.force_login(moderator)
    queue = client.get(reverse("dispute-queue")).content.decode()
    assert f"Dispute {dispute.pk}: case comment {comment.pk}" in queue and f"appeal {appeal.public_id}" in queue
    client.post(reverse("dispute-uphold", args=[dispute.pk]), {"note": "Confirmed."})
    comment.refresh_from_db()
    holder.refresh_from_db()
    assert comment.is_hidden and comment.is_disowned and comment.tombstone == NOT_THEIRS_TOMBSTONE
    assert holder.posting_suspended_at is not None
    public = reader.get(appeal.get_absolute_url()).content.decode()
    assert NOT_THEIRS_TOMBSTONE in public and "Something Hal never said." not in public
    hidden = Entry.objects.get(kind=EntryKind.CASE_COMMENT_HIDDEN)
    assert (hidden.subject, hidden.data) == (comment.subject, {"appeal": appeal.public_id, "reason": "not_theirs"})
    upheld = Entry.objects.get(kind=EntryKind.DISPUTE_UPHELD)
    assert (upheld.subject, upheld.data) == (comment.subject, {"dispute": dispute.pk, "account_suspended": True})
    with pytest.raises(PermissionDenied, match="may not post"):
        post(appeal, holder, "Still here?")


def test_a_moderator_rejects_a_case_comment_dispute(client, reader, appeal, holder, moderator):
    comment = post(appeal, holder, "Hal wrote this after all.")
    dispute = disputes.open_dispute(kind="case_comment", object_id=comment.pk, by=holder)
    client.force_login(moderator)
    client.post(reverse("dispute-reject", args=[dispute.pk]), {"note": "Posted from the holder's own session."})
    comment.refresh_from_db()
    holder.refresh_from_db()
    assert not comment.is_disputed and not comment.is_hidden and holder.posting_suspended_at is None
    rejected = Entry.objects.get(kind=EntryKind.DISPUTE_REJECTED)
    assert rejected.subject == comment.subject
    assert "Disputed:" not in reader.get(appeal.get_absolute_url()).content.decode()


def test_only_the_holder_disputes_and_a_free_moderator_decides(appeal, holder, citizen, organization):
    comment = post(appeal, holder, "Hal's, or not.")
    with pytest.raises(PermissionDenied):
        disputes.open_dispute(kind="case_comment", object_id=comment.pk, by=citizen)
    dispute = disputes.open_dispute(kind="case_comment", object_id=comment.pk, by=holder)
    conflicted = UserFactory(is_moderator=True)
    MembershipFactory(user=conflicted, organization=organization)
    for person in [citizen, conflicted]:
        with pytest.raises(PermissionDenied):
            disputes.uphold_dispute(dispute=dispute, by=person)
    assert Dispute.objects.get().is_open and not CaseComment.objects.get().is_hidden


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_page_and_the_api_cost_the_same_for_more_comments_and_speakers(
    reader, appeal, citizen, member, publisher, organization
):
    post(appeal, citizen, "One.")
    page, api = appeal.get_absolute_url(), api_url(appeal)
    few_page, few_api = count_queries(reader, page), count_queries(reader, api)
    for n in range(6):
        post(appeal, UserFactory(), f"Another {n}.")
        post(appeal, member, f"Member {n}.")
        post(appeal, publisher, f"Voice {n}.", as_organization=organization)
    assert count_queries(reader, page) == few_page
    assert count_queries(reader, api) == few_api


def test_posting_as_the_organization_costs_two_queries_more_than_as_oneself(
    client, appeal, publisher, monkeypatch, django_assert_max_num_queries
):
    """The slug's organization and whether the caller publishes for it; nothing per comment already posted."""
    cache.set(QUEUED_KEY, 1, timeout=None)  # as tests/appeals/test_case_comments_cost.py: background work not counted
    monkeypatch.setattr("appeals.services.case_clustering.request_clustering", lambda appeal_id: None)
    headers = auth(publisher)
    for n in range(2):
        with django_assert_max_num_queries(POSTING_AS_ONESELF + 2 + 2):  # + BEGIN/COMMIT, which that test leaves out
            made = client.post(
                api_url(appeal), {"body": f"Ours {n}.", "as_organization": "acme"}, content_type="application/json",
                **headers,
            )  # fmt: skip
        assert made.status_code == 201, made.json()


def test_a_moderator_cannot_give_the_disputes_reason_by_hand(client, appeal, citizen, moderator):
    """Only an upheld dispute hides a case comment as not the account holder's: it also suspends the account."""
    comment = post(appeal, citizen, "Mine.")
    client.force_login(moderator)
    refused = client.post(reverse("hide-case-comment", args=[comment.pk]), {"reason": "not_theirs"}, follow=True)
    assert "Choose one of the listed reasons." in refused.content.decode()
    assert not CaseComment.objects.get().is_hidden
    assert not Entry.objects.filter(kind=EntryKind.CASE_COMMENT_HIDDEN).exists()
