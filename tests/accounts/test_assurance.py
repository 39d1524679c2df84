"""Who is speaking: each assurance level computed when posting, stored on the row, shown, and counted; and the
email-domain verification that makes someone a verified member of an organization."""

import json
import time
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import domains
from accounts.assurance import Assurance, assurance_for
from accounts.models import EmailDomain
from consultation.models import Comment
from consultation.selectors.outcomes import comments_by_assurance
from consultation.services import comments, opinions, suggestions
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, auth, consultation
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def verify(organization, domain: str, by) -> EmailDomain:
    """Ask for and follow the mailed link, as a publisher would."""
    pending = domains.request_domain_verification(
        organization=organization, domain=domain, address=f"postmaster@{domain}", by=by
    )
    return domains.confirm_domain(token=domains.domain_link_token(pending))


@pytest.fixture
def version(organization):
    return consultation(organization)


@pytest.fixture
def member(organization, publisher):
    verify(organization, "acme.example", publisher)
    return UserFactory(email="jo@acme.example", display_name="Jo Member")


def test_each_level_is_computed(citizen, member, publisher, organization):
    assert assurance_for(citizen).level == Assurance.VERIFIED_EMAIL
    assert assurance_for(member) == assurance_for(member).__class__(Assurance.VERIFIED_MEMBER, "Acme AI")
    assert assurance_for(publisher, as_organization=organization).fields() == {
        "assurance": "organization",
        "assurance_organization": "Acme AI",
    }


def test_an_unverified_address_at_a_verified_domain_is_no_member(organization, publisher):
    verify(organization, "acme.example", publisher)
    stranger = UserFactory(email="eve@acme.example", verified=False)
    assert assurance_for(stranger).level == Assurance.VERIFIED_EMAIL


def test_only_its_publishers_speak_as_the_organization(citizen, other_organization, organization, publisher):
    with pytest.raises(PermissionDenied):
        assurance_for(citizen, as_organization=organization)
    with pytest.raises(PermissionDenied):
        assurance_for(publisher, as_organization=other_organization)


def test_the_level_is_stored_when_posting_and_stays(version, member, organization, publisher, client):
    comment = comments.post_comment(version=version, body="As a member.", by=member)
    voice = comments.post_comment(version=version, body="We will.", as_organization=organization, by=publisher)
    assert (comment.assurance, comment.assurance_organization) == ("verified_member", "Acme AI")
    assert voice.assurance == "organization"
    organization.name = "Acme Renamed"
    organization.save()
    EmailDomain.objects.update(verified_at=None)  # the domain lapses: what was said then stays as it was said
    comment.refresh_from_db()
    assert comment.assurance_label == "verified member of Acme AI"
    page = client.get(version.get_absolute_url()).content.decode()
    assert "verified member of Acme AI" in page
    assert "Acme AI: organization" in page


def test_a_suggestion_and_a_seeded_statement_store_their_level(version, member, publisher):
    clause = version.clauses.first()
    suggestion = suggestions.make_suggestion(
        version=version, clause=clause, kind="delete", reason="It is not needed.", by=member
    )
    statement = opinions.submit_statement(version=version, text="Clause one is clear.", by=publisher)
    assert suggestion.assurance_label == "verified member of Acme AI"
    assert (statement.assurance, statement.assurance_organization) == ("organization", "Acme AI")


def test_the_comment_form_posts_as_the_organization_and_refuses_a_stranger(client, version, publisher, citizen):
    client.force_login(publisher)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Acme AI (the organization)" in page
    url = reverse("comment-new", args=["acme", "medical", 1])
    client.post(url, {"clause": "general", "body": "Our answer.", "as_organization": "acme"})
    assert Comment.objects.get(body="Our answer.").assurance == "organization"
    client.force_login(citizen)
    response = client.post(url, {"clause": "general", "body": "Pretend.", "as_organization": "acme"})
    assert "Only the publishers of Acme AI may post as the organization." in response.content.decode()
    assert not Comment.objects.filter(body="Pretend.").exists()


def test_the_api_and_exports_carry_the_level(client, version, member):
    comments.post_comment(version=version, body="Member speaking.", by=member)
    listed = client.get("/api/v1/guidelines/acme/medical/versions/1/comments/", **auth(member)).json()
    row = listed["results"][0]
    assert (row["assurance"], row["assurance_label"], row["disputed"]) == (
        "verified_member",
        "verified member of Acme AI",
        False,
    )
    exported = client.get("/api/v1/guidelines/acme/medical/versions/1/comments/export.json")
    assert json.loads(b"".join(exported.streaming_content))["comments"][0]["assurance_organization"] == "Acme AI"


def test_the_closeout_counts_comments_by_level(version, member, citizen, publisher, organization):
    comments.post_comment(version=version, body="One.", by=member)
    comments.post_comment(version=version, body="Two.", by=citizen)
    comments.post_comment(version=version, body="Three.", by=citizen)
    comments.post_comment(version=version, body="Ours.", as_organization=organization, by=publisher)
    CommentFactory(version=version, status=Comment.HIDDEN, hidden_reason="spam")  # not counted
    assert comments_by_assurance(version) == {"verified_email": 2, "verified_member": 1, "organization": 1}


def test_the_label_adds_no_query_per_comment(client, version, member, citizen):
    client.force_login(citizen)  # signed in: the page is rendered, not served from the page cache

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(version.get_absolute_url() + "clauses/R-1.1/")
        assert b"verified member of Acme AI" in page.content
        return len(captured)

    clause = version.clauses.get(key="R-1.1")
    comments.post_comment(version=version, clause=clause, body="First.", by=member)
    few = page_queries()
    for n in range(10):
        comments.post_comment(version=version, clause=clause, body=f"More {n}.", by=member if n % 2 else citizen)
    assert page_queries() == few


# Domain verification ------------------------------------------------------------------------------------------------


def test_a_publisher_verifies_a_domain_by_the_mailed_link(
    client, organization, publisher, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(publisher)
    url = reverse("email-domains", args=["acme"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"domain": "Acme.Example", "address": "postmaster@acme.example"})
    assert mailoutbox[-1].to == ["postmaster@acme.example"]
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/email-domains/verify/" in line)
    path = link[link.index("/email-domains/") :]
    client.logout()  # whoever reads that mailbox follows the link
    assert b"Verify acme.example" in client.get(path).content
    assert not EmailDomain.objects.verified().exists()  # a GET (a mail scanner) verifies nothing
    client.post(path)
    client.post(path)  # twice: verified once
    assert EmailDomain.objects.get().is_verified
    entry = Entry.objects.get(kind=EntryKind.DOMAIN_VERIFIED)
    assert entry.data == {"organization": "Acme AI", "domain": "acme.example"}


def test_others_may_not_verify_an_organizations_domain(client, organization, citizen, other_organization):
    other = MembershipFactory(organization=other_organization).user
    for person in [citizen, other]:
        client.force_login(person)
        assert client.get(reverse("email-domains", args=["acme"])).status_code == 403
        with pytest.raises(PermissionDenied):
            domains.request_domain_verification(
                organization=organization, domain="acme.example", address="a@acme.example", by=person
            )
    assert not EmailDomain.objects.exists()


@pytest.mark.parametrize(
    ("domain", "address", "field"),
    [
        ("acme.example", "postmaster@elsewhere.example", "address"),
        ("https://acme.example", "postmaster@acme.example", "domain"),
        ("localhost", "root@localhost", "domain"),
        ("acme.example", "not an address", "address"),
    ],
)
def test_a_wrong_domain_or_address_is_refused(organization, publisher, domain, address, field, mailoutbox):
    with pytest.raises(ValidationError) as refused:
        domains.request_domain_verification(organization=organization, domain=domain, address=address, by=publisher)
    assert field in refused.value.message_dict
    assert not EmailDomain.objects.exists() and not mailoutbox


def test_an_expired_or_forged_link_is_refused(client, organization, publisher, settings):
    pending = domains.request_domain_verification(
        organization=organization, domain="acme.example", address="it@acme.example", by=publisher
    )
    token = domains.domain_link_token(pending)
    assert client.post(reverse("email-domain-confirm", args=[token[:-2] + "xx"])).status_code == 400
    later = time.time() + (settings.DOMAIN_LINK_HOURS + 1) * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(reverse("email-domain-confirm", args=[token]))
    assert response.status_code == 400 and b"expired" in response.content
    assert not EmailDomain.objects.verified().exists()


def test_a_domain_speaks_for_one_organization(organization, publisher, other_organization):
    verify(organization, "shared.example", publisher)
    other = MembershipFactory(organization=other_organization).user
    with pytest.raises(ValidationError, match="already verified"):
        domains.request_domain_verification(
            organization=other_organization, domain="shared.example", address="x@shared.example", by=other
        )


def test_asking_for_domain_links_is_rate_limited(organization, publisher, mailoutbox):
    for n in range(domains.DOMAIN_LINKS_PER_HOUR):
        domains.request_domain_verification(
            organization=organization, domain=f"d{n}.example", address=f"it@d{n}.example", by=publisher
        )
    with pytest.raises(ValidationError, match="many verification links"):
        domains.request_domain_verification(
            organization=organization, domain="more.example", address="it@more.example", by=publisher
        )
    assert not EmailDomain.objects.filter(domain="more.example").exists()


def test_the_api_posts_as_the_organization_only_for_its_publishers(client, version, publisher, citizen):
    url = "/api/v1/guidelines/acme/medical/versions/1/comments/"
    posted = client.post(
        url, {"body": "Acme's view.", "as_organization": "acme"}, content_type="application/json", **auth(publisher)
    )
    assert posted.status_code == 201 and posted.json()["assurance_label"] == "organization"
    refused = client.post(
        url, {"body": "Not Acme.", "as_organization": "acme"}, content_type="application/json", **auth(citizen)
    )
    assert refused.status_code == 403 and "Only the publishers of Acme AI" in refused.json()["detail"]
    unknown = client.post(
        url, {"body": "Nobody.", "as_organization": "nope"}, content_type="application/json", **auth(publisher)
    )
    assert unknown.status_code == 400
    assert list(Comment.objects.values_list("body", flat=True)) == ["Acme's view."]
