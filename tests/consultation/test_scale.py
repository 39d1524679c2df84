import random
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.models import Clause, Comment, Endorsement, Response
from tests.consultation.factories import consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fill(version, *, clauses: int, comments: int, authors) -> None:
    """Clauses and comments straight into the database, so a big version costs seconds, not minutes."""
    Clause.objects.bulk_create(
        Clause(version=version, key=f"S-{n}.1", heading=f"Clause {n}", text=f"Text of clause {n}.", position=100 + n)
        for n in range(clauses)
    )
    targets = list(version.clauses.all()) + [None]
    now = timezone.now()
    rng = random.Random(4)
    Comment.objects.bulk_create(
        (
            Comment(
                version=version,
                clause=rng.choice(targets),
                author=rng.choice(authors),
                body=f"Comment {n}",
                created_at=now,
                status="hidden" if n % 500 == 0 else "published",
                hidden_reason="spam" if n % 500 == 0 else "",
            )
            for n in range(comments)
        ),
        batch_size=2000,
    )
    top = list(version.comments.order_by("-pk")[: comments // 2])
    Comment.objects.bulk_create(
        (Comment(version=version, clause=c.clause, parent=c, author=authors[0], body="Reply", created_at=now)
         for c in top[:500]),
        batch_size=2000,
    )  # fmt: skip
    Endorsement.objects.bulk_create(Endorsement(comment=c, user=authors[1]) for c in top[:1000])
    Response.objects.bulk_create(
        Response(comment=c, disposition="noted", text="Thanks", author=authors[0]) for c in top[1000:1200]
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_version_page_costs_the_same_queries_for_2_or_200_clauses(client, organization, citizen,
                                                                      django_assert_num_queries):  # fmt: skip
    small = consultation(organization)
    authors = [UserFactory() for _ in range(5)]
    fill(small, clauses=0, comments=20, authors=authors)
    client.force_login(citizen)
    expected = count_queries(client, small.get_absolute_url())

    fill(small, clauses=200, comments=10_000, authors=authors)
    assert small.clauses.count() == 202 and small.comments.count() > 10_000
    with django_assert_num_queries(expected):
        response = client.get(small.get_absolute_url())
    page = response.content.decode()
    assert page.count('class="clause"') == 202
    assert "All " in page and "comments on S-" in page  # each clause shows a few and links to the rest


def test_a_clause_pages_its_comments(client, organization):
    version = consultation(organization)
    fill(version, clauses=1, comments=300, authors=[UserFactory(), UserFactory()])
    clause = version.clauses.get(key="S-0.1")
    total = version.comments.top_level().filter(clause=clause).count()
    page = client.get(f"{version.get_absolute_url()}clauses/S-0.1/").content.decode()
    assert f"of {(total + 49) // 50}" in page
    assert client.get(f"{version.get_absolute_url()}clauses/S-0.1/?page=999").status_code == 200
    assert client.get(f"{version.get_absolute_url()}clauses/NOPE-1/").status_code == 404


def test_the_export_streams_with_flat_memory(client, organization):
    version = consultation(organization)
    fill(version, clauses=5, comments=3000, authors=[UserFactory(), UserFactory()])
    response = client.get("/api/v1/guidelines/acme/medical/versions/1/comments/export.csv")
    tracemalloc.start()
    rows = sum(1 for _ in response.streaming_content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == version.comments.count() + 1
    assert peak < 8 * 1024 * 1024
