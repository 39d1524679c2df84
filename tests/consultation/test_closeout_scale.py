"""The close-out is built inside the publish request: its cost must not grow with the comments."""

import random

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from consultation.models import Clause, Comment, Response
from consultation.services import drafting
from consultation.services.closeout import build_closeout, closeout_refusals
from tests.consultation.factories import consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CLAUSES, COMMENTS = 40, 12_000
WORDS = [
    "dosage",
    "label",
    "refusal",
    "pharmacist",
    "medicine",
    "safety",
    "doctor",
    "harm",
    "advice",
    "public",
    "clause",
    "narrow",
    "broad",
]
MOST_QUERIES = 20


def _bulk_comments(version, clauses: list[Clause], count: int) -> None:
    """`count` comments of three sentences each, spread over the clauses, a fifth answered, some endorsed."""
    rng = random.Random(18)
    author = UserFactory()

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."

    rows = []
    for index in range(count):
        body = " ".join(sentence() for _ in range(3))
        rows.append(
            Comment(
                version=version,
                clause=clauses[index % len(clauses)],
                author=author,
                body=body,
                body_html=f"<p>{body}</p>",
                endorsement_count=rng.choice([0, 0, 0, 1, 2, 5, 12]),
            )
        )
    created = Comment.objects.bulk_create(rows, batch_size=2000)
    answered = created[::5]
    Response.objects.bulk_create(
        [
            Response(comment=c, disposition="noted", text="Read.", text_html="<p>Read.</p>", author=author)
            for c in answered
        ]
    )
    Comment.objects.filter(pk__in=[c.pk for c in answered]).update(answered_at=version.comment_period.closes_at)
    for clause in Clause.objects.filter(version=version).annotate(
        n=Count("comments"),
        e=Sum("comments__endorsement_count"),
        a=Count("comments", filter=Q(comments__answered_at__isnull=False)),
    ):
        Clause.objects.filter(pk=clause.pk).update(
            comment_count=clause.n, endorsement_count=clause.e or 0, answered_count=clause.a
        )


def test_building_the_closeout_is_bounded_at_scale(organization, publisher):
    closed = consultation(organization, clauses=CLAUSES, closed=True)
    _bulk_comments(closed, list(closed.clauses.all()), COMMENTS)
    draft = drafting.create_draft_version(guideline=closed.guideline, by=publisher)
    draft.published_at = closed.comment_period.closes_at
    with CaptureQueriesContext(connection) as queries:
        assert closeout_refusals(closed) == []
        document = build_closeout(draft)
    assert document["totals"]["comments"] == COMMENTS
    assert document["totals"]["responses"]["noted"] == len(range(0, COMMENTS, 5))
    assert all(3 <= len(clause["summary"]) <= 5 for clause in document["clauses"])
    assert len(queries.captured_queries) <= MOST_QUERIES
