"""A comment POST is cheap enough for a flash crowd: a bounded number of queries, and nothing lost."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import Comment
from ledger.models import Entry
from ledger.services import check_chain
from tests.consultation.factories import CommentFactory, auth, consultation
from transparency.signals import QUEUED_KEY

URL = "/api/v1/guidelines/acme/medical/versions/1/comments/"

# The token with the person and whether their email is verified; the clause (or parent) with its version and
# period; the thread's count, which also asks whether the period is open; the comment; the ledger's locked head;
# the entry, its tree nodes and the new head in one statement; the receipt to mail once a checkpoint covers it.
MOST = 7


@pytest.fixture(autouse=True)
def background_work_not_counted(monkeypatch):
    """Celery runs eagerly in tests, so the statistics fold a commit queues would run inside the measured request: as
    in a flash crowd, a fold is already queued (its marker is in the cache) and no post queues another."""
    cache.set(QUEUED_KEY, 1, timeout=None)
    # Clustering is queued once per burst of comments (a marker in the cache), not once per comment; eagerly run,
    # its task would clear the marker at once and be queued again by every post measured here.
    monkeypatch.setattr("consultation.services.campaigns.request_clustering", lambda version_id: None)


def posting(client, citizen, payload: dict) -> list[str]:
    headers = auth(citizen)  # the token exists before, as it does for a script posting many comments
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, payload, content_type="application/json", **headers)
    assert response.status_code == 201, response.json()
    # The transaction's own BEGIN and COMMIT are not counted: Django logs them on one backend and not the other.
    return [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["clause", "general", "reply"])
def test_a_comment_post_through_the_api_costs_at_most_7_queries(client, organization, citizen, target):
    version = consultation(organization)
    posting(client, citizen, {"body": "The first comment of the day."})
    payload = {"body": "Please **narrow** this.", "clause": "R-1.1"}
    if target == "general":
        payload.pop("clause")
    if target == "reply":
        payload = {"body": "Seconded.", "parent": CommentFactory(version=version, clause=version.clauses.first()).pk}
    entries = Entry.objects.count()

    queries = posting(client, citizen, payload)

    assert len(queries) <= MOST, "\n".join(queries)
    comment = Comment.objects.latest("pk")
    assert Entry.objects.count() == entries + 1 and Entry.objects.latest("seq").subject == comment.subject
    assert check_chain().ok


@pytest.mark.django_db(transaction=True)
def test_the_post_keeps_the_counts_and_stores_the_html(client, organization, citizen):
    version = consultation(organization)
    posting(client, citizen, {"body": "Please **narrow** this. <script>x()</script>", "clause": "R-1.1"})
    comment = Comment.objects.get()
    assert comment.body_html == "<p>Please <strong>narrow</strong> this. &lt;script&gt;x()&lt;/script&gt;</p>\n"
    assert version.clauses.get(key="R-1.1").comment_count == 1
    posting(client, citizen, {"body": "Me too", "parent": comment.pk})
    assert Comment.objects.get(pk=comment.pk).reply_count == 1


@pytest.mark.django_db(transaction=True)
def test_a_post_after_the_period_closed_changes_nothing(client, organization, citizen):
    version = consultation(organization, closed=True)
    response = client.post(URL, {"body": "Late", "clause": "R-1.1"}, content_type="application/json", **auth(citizen))
    assert response.status_code == 400 and "not open for comments" in response.json()["detail"]
    assert not Comment.objects.exists() and not Entry.objects.exists()
    assert version.clauses.get(key="R-1.1").comment_count == 0


@pytest.mark.django_db(transaction=True)
def test_a_comment_through_the_page_form_costs_a_bounded_number_of_queries(client, organization, citizen):
    consultation(organization)
    client.force_login(citizen)
    form = "/guidelines/acme/medical/v1/comments/new/"
    client.post(form, {"body": "The first comment of the day.", "clause": "R-1.1"})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(form, {"body": "Please narrow this.", "clause": "R-1.1"})
    assert response.status_code == 302 and Comment.objects.count() == 2
    counted = [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT")]
    # Ten on PostgreSQL: the API's seven, plus the session and the user apart (the token brings both and the
    # verified-email answer in one query) and the version apart from its clause (the form resolves the clause).
    assert len(counted) <= MOST + 3, "\n".join(counted)
