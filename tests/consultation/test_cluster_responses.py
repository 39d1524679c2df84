import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultation.models import CommentCluster, Response
from consultation.services import closing
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, auth, consultation
from tests.consultation.test_campaign_pages import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(organization):
    return consultation(organization, closed=True)


@pytest.fixture
def cluster(closed):
    members = make_campaign(closed, 4, clause=closed.clauses.first())
    return CommentCluster.objects.get(pk=members[0].pk)


def test_answering_a_cluster_answers_each_member_on_the_record(publisher, cluster):
    assert closing.respond_to_cluster(cluster=cluster, disposition="not_adopted", text="We keep it.", by=publisher) == 4
    assert list(Response.objects.values_list("comment__cluster_id", "text").distinct()) == [(cluster.pk, "We keep it.")]
    assert Entry.objects.filter(kind=EntryKind.COMMENT_ANSWERED).count() == 4


def test_members_already_answered_or_hidden_keep_their_state(publisher, cluster):
    first, second, third, _ = cluster.members.order_by("pk")
    closing.respond_to_comment(comment=second, disposition="adopted", text="Yes to you.", by=publisher)
    third.status, third.hidden_reason = "hidden", "spam"
    third.save()
    assert closing.respond_to_cluster(cluster=cluster, disposition="noted", text="Noted.", by=publisher) == 2
    second.response.refresh_from_db()
    assert second.response.text == "Yes to you." and not Response.objects.filter(comment=third).exists()
    with pytest.raises(ValidationError, match="already been answered"):
        closing.respond_to_cluster(cluster=cluster, disposition="noted", text="Again.", by=publisher)


def test_only_the_organizations_publishers_answer_a_cluster(moderator, outsider, cluster):
    for person in [moderator, outsider]:
        with pytest.raises(PermissionDenied, match="Only publishers of Acme AI"):
            closing.respond_to_cluster(cluster=cluster, disposition="noted", text="x", by=person)
    assert not Response.objects.exists() and not Entry.objects.filter(kind=EntryKind.COMMENT_ANSWERED).exists()


def test_no_cluster_answer_while_the_period_is_open(publisher, organization):
    version = consultation(organization)
    cluster = CommentCluster.objects.get(pk=make_campaign(version, 2)[0].pk)
    with pytest.raises(ValidationError, match="once the comment period has closed"):
        closing.respond_to_cluster(cluster=cluster, disposition="noted", text="x", by=publisher)
    assert not Response.objects.exists()


def test_the_responses_page_shows_a_cluster_once_with_a_form_for_all_of_it(client, publisher, cluster, closed):
    CommentFactory(version=closed, clause=closed.clauses.first(), body="A distinct point.")
    client.force_login(publisher)
    page = client.get("/publish/acme/medical/v1/responses/").content.decode()
    assert page.count('name="cluster"') == 1 and "A distinct point." in page
    assert page.count("Answer comment ") == 2


def test_a_publisher_answers_a_cluster_from_the_page(client, publisher, cluster):
    client.force_login(publisher)
    response = client.post(
        "/publish/acme/medical/v1/responses/new/", {"cluster": cluster.pk, "disposition": "noted", "text": "Read."}
    )
    assert response.status_code == 302 and Response.objects.count() == 4
    bad = client.post("/publish/acme/medical/v1/responses/new/", {"cluster": "999999", "disposition": "noted"})
    assert bad.status_code == 302 and Response.objects.count() == 4
    assert "There is no such cluster" in client.get(bad.url).content.decode()


def test_the_api_answers_a_cluster_and_refuses_an_unknown_one(client, publisher, cluster):
    url = "/api/v1/guidelines/acme/medical/versions/1/cluster-responses/"
    response = client.post(url, {"cluster": cluster.pk, "disposition": "adopted", "text": "Done."}, **auth(publisher))
    assert response.status_code == 201 and response.json() == {"answered": 4}
    unknown = client.post(url, {"cluster": 999999, "disposition": "adopted", "text": "x"}, **auth(publisher))
    assert unknown.status_code == 400 and "no such cluster" in unknown.json()["errors"]["cluster"][0]
