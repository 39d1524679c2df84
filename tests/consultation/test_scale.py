import random
import re
import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation import selectors
from consultation.models import Clause, Comment, Endorsement, Guideline, Response
from consultation.selectors import REPLIES_ON_VERSION_PAGE
from consultation.selectors.threads import _first_replies
from consultation.services.counting import recount_threads
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
                body_html=f"<p>Comment {n}</p>",
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
        (
            Comment(version=version, clause=c.clause, parent=c, author=authors[0], body="Reply", created_at=now)
            for c in top[:500]
        ),
        batch_size=2000,
    )
    Endorsement.objects.bulk_create(Endorsement(comment=c, user=authors[1]) for c in top[:1000])
    Response.objects.bulk_create(
        Response(comment=c, disposition="noted", text="Thanks", author=authors[0]) for c in top[1000:1200]
    )
    recount_threads(version=version)


def count_queries(client, url: str) -> int:
    client.get(url)  # warm up once-per-process caches (the Site, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_version_page_costs_the_same_queries_for_2_or_200_clauses(
    client, organization, citizen, django_assert_num_queries
):
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
    # so many clauses leave room for one comment each (COMMENTS_PER_VERSION_PAGE), with its newest replies
    assert page.count('<article class="comment') <= 202 * (1 + REPLIES_ON_VERSION_PAGE)


def test_the_version_page_is_the_same_size_and_cost_for_10_or_200_comments_a_clause(client, organization, citizen):
    version = consultation(organization, clauses=0)
    authors = [UserFactory() for _ in range(5)]
    fill(version, clauses=20, comments=20 * 10, authors=authors)
    client.force_login(citizen)
    url = version.get_absolute_url()
    queries, size = count_queries(client, url), len(client.get(url).content)

    fill(version, clauses=0, comments=20 * 190, authors=authors)
    assert version.comments.top_level().count() == 20 * 200
    assert count_queries(client, url) == queries
    page = client.get(url).content.decode()
    # Each clause still shows at most CONSULTATION_COMMENTS_PER_CLAUSE comments with a few replies each; only the
    # counts and ids grow.
    assert len(page) < size * 1.1
    assert page.count('<article class="comment') <= 21 * 5 * (1 + REPLIES_ON_VERSION_PAGE)
    clause = version.clauses.get(key="S-3.1")
    assert f"{clause.comment_count} comments · {clause.endorsement_count} endorsement" in page


def test_the_version_page_shows_the_most_endorsed_and_the_answered_comments(client, organization):
    closed_version = consultation(organization, closed=True)
    authors = [UserFactory() for _ in range(3)]
    clause = closed_version.clauses.first()
    old = timezone.now() - timedelta(days=3)
    endorsed, answered = (
        Comment.objects.create(
            version=closed_version,
            clause=clause,
            author=authors[0],
            body=text,
            body_html=f"<p>{text}</p>",
            created_at=old,
        )
        for text in ["Much endorsed", "Answered one"]
    )
    Endorsement.objects.bulk_create(Endorsement(comment=endorsed, user=user) for user in authors[1:])
    Response.objects.create(
        comment=answered, disposition="noted", text="We read it", text_html="<p>We read it</p>", author=authors[0]
    )
    Comment.objects.bulk_create(
        Comment(version=closed_version, clause=clause, author=authors[2], body=f"New {n}", body_html=f"<p>New {n}</p>")
        for n in range(20)
    )
    recount_threads(version=closed_version)
    page = client.get(closed_version.get_absolute_url()).content.decode()
    assert "Much endorsed" in page and "Most endorsed" in page
    assert "Answered one" in page and "We read it" in page
    assert "New 19" in page and "New 0" not in page


def test_postgresql_picks_from_the_indexes_without_reading_every_comment(organization):
    """Fresh statistics and `enable_seqscan = off` make the planner's choice deterministic on a test's few rows;
    what this proves is that each pick is an index scan that stops after its LIMIT, never a sort of the clause's
    comments, so its cost does not grow with them."""
    version = consultation(organization, clauses=0)
    fill(version, clauses=10, comments=2_000, authors=[UserFactory() for _ in range(3)])
    clause_ids = [None, *version.clauses.values_list("pk", flat=True)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consultation_comment")  # statistics of these rows, not of whatever ran before
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = selectors.first_ids_query(version.pk, clause_ids, 3)
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    for index in ["comment_shown_once", "comment_most_endorsed", "comment_newest_answered"]:
        assert f"Index Scan using {index}" in plan or f"Index Only Scan using {index}" in plan, plan
    # Each LIMIT stops an index scan in the index's order: nothing sorts comments by a ranking. (PostgreSQL 18 may sort
    # the few ids the three scans return to take out duplicates: a sort on the id alone.)
    assert "Sort Key: c." not in plan, plan


def test_postgresql_reads_a_comments_newest_replies_without_reading_them_all(organization):
    """A popular comment's 5,000 replies must not cost the version page 5,000 rows: each comment's few replies are an
    index scan that stops at its LIMIT, never a window that ranks every reply."""
    version = consultation(organization)
    parent = Comment.objects.create(version=version, author=UserFactory(), body="Popular", body_html="<p>Popular</p>")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consultation_comment")
        cursor.execute("SET LOCAL enable_seqscan = off")
    for newest in [REPLIES_ON_VERSION_PAGE, 0]:
        plan = Comment.objects.filter(pk__in=_first_replies([parent.pk], newest)).explain()
        assert "Limit" in plan and "WindowAgg" not in plan, plan


def test_a_clause_pages_its_comments_with_a_cursor(client, organization):
    version = consultation(organization)
    fill(version, clauses=1, comments=300, authors=[UserFactory(), UserFactory()])
    clause = version.clauses.get(key="S-0.1")
    expected = list(version.comments.top_level().filter(clause=clause).order_by("-created_at", "-pk"))
    url, seen, queries = f"{version.get_absolute_url()}clauses/S-0.1/", [], set()
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries.add(len(captured))
        seen += [
            int(id_)
            for id_ in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', response.content.decode())
        ]
        cursor = response.context["next_cursor"]
        url = f"{version.get_absolute_url()}clauses/S-0.1/?after={cursor}" if cursor else ""
    top_ids = {c.pk for c in expected}
    assert [pk for pk in seen if pk in top_ids] == [c.pk for c in expected]  # each once, newest first
    assert len(queries) == 1  # the last page costs what the first does
    assert client.get(f"{version.get_absolute_url()}clauses/S-0.1/?after=nonsense").status_code == 200
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


def grow(organization, rounds: int) -> None:
    """Each round: another guideline, and another consultation + final pair (with clauses, comments,
    responses, an extension and a statement of changes) on guideline g0."""
    from consultation.models import ClauseChange, CommentReport, GuidelineVersion, PeriodExtension
    from tests.consultation.factories import CommentFactory, CommentPeriodFactory
    from tests.factories import ClauseFactory, GuidelineFactory, GuidelineVersionFactory

    main = GuidelineFactory(organization=organization, slug="g0") if not Guideline.objects.filter(slug="g0") else None
    main = main or Guideline.objects.get(slug="g0")
    for _ in range(rounds):
        GuidelineVersionFactory(guideline__organization=organization, status=GuidelineVersion.FINAL)
        number = main.versions.count() + 1
        consulted = GuidelineVersionFactory(guideline=main, number=number, status=GuidelineVersion.CONSULTATION)
        final = GuidelineVersionFactory(guideline=main, number=number + 1, based_on=consulted)
        now = timezone.now()
        period = CommentPeriodFactory(
            version=consulted, opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=2)
        )
        PeriodExtension.objects.create(period=period, previous_closes_at=now, new_closes_at=now, reason="More time")
        for key in ["R-1.1", "R-2.1", "R-3.1"]:
            clause = ClauseFactory(version=consulted, key=key)
            ClauseFactory(version=final, key=key)
            comment = CommentFactory(version=consulted, clause=clause)
            CommentFactory(version=consulted, clause=clause, parent=comment)
            Response.objects.create(comment=comment, disposition="noted", text="Thanks", author=comment.author)
            CommentReport.objects.create(comment=comment, reporter=comment.author, reason="Check this")
            change = ClauseChange.objects.create(version=final, clause_key=key, kind="changed", statement="S")
            change.comments.set([comment])


@pytest.mark.parametrize(
    "url",
    [
        "/guidelines/",
        "/guidelines/acme/g0/",
        "/guidelines/acme/g0/v1/",
        "/guidelines/acme/g0/v2/",
        "/guidelines/acme/g0/v2/diff/1/",
        "/guidelines/acme/g0/v1/clauses/R-1.1/",
        "/activity/",
        "/api/v1/guidelines/",
        "/api/v1/guidelines/acme/g0/",
        "/api/v1/guidelines/acme/g0/versions/1/",
        "/api/v1/guidelines/acme/g0/versions/2/",
        "/api/v1/guidelines/acme/g0/versions/1/comments/",
        "/feeds/consultations/",
        "/moderation/comments/",
    ],
)
def test_pages_cost_the_same_queries_however_much_data(client, organization, moderator, url):
    client.force_login(moderator)
    grow(organization, 1)
    few = count_queries(client, url)
    grow(organization, 3)
    assert count_queries(client, url) == few
