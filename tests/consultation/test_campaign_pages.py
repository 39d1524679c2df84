import csv
import io
import json
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import Comment
from consultation.selectors import distinct_arguments
from consultation.services.campaigns import cluster_pending_comments, text_hash
from tests.consultation.campaign_text import campaign_comment
from tests.consultation.factories import CommentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/guidelines/acme/medical/versions/1/comments/"


def make_campaign(version, size: int, *, clause=None, seed: int = 3) -> list[Comment]:
    """`size` near-identical comments by different new people, clustered as the task would."""
    rng = random.Random(seed)
    bodies = [campaign_comment(rng) for _ in range(size)]
    people = UserFactory.create_batch(size)
    comments = [
        Comment.objects.create(version=version, clause=clause, author=person, body=body, text_hash=text_hash(body))
        for person, body in zip(people, bodies, strict=True)
    ]
    cluster_pending_comments(version=version)
    return comments


def test_the_version_page_shows_a_campaign_once_with_its_size(client, version):
    clause = version.clauses.first()
    first, *others = make_campaign(version, 6, clause=clause)
    CommentFactory(version=version, clause=clause, body="A distinct thought about R-1.1.")
    cluster_pending_comments(version=version)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "This comment and 5 near-identical ones" in page
    assert f'id="comment-{first.pk}"' in page and f'id="comment-{others[0].pk}"' not in page
    assert f"clusters/{first.pk}/" in page and "A distinct thought" in page


def test_the_clause_page_shows_a_campaign_once(client, version):
    clause = version.clauses.first()
    first, second = make_campaign(version, 2, clause=clause)
    page = client.get(f"{version.get_absolute_url()}clauses/{clause.key}/").content.decode()
    assert "This comment and 1 near-identical one" in page
    assert f'id="comment-{first.pk}"' in page and f'id="comment-{second.pk}"' not in page


def test_a_member_s_own_page_says_it_belongs_to_a_cluster(client, version):
    first, second = make_campaign(version, 2)
    page = client.get(f"{version.get_absolute_url()}comments/{second.pk}/").content.decode()
    assert "One of 2 near-identical comments" in page and f"clusters/{first.pk}/" in page


def test_a_distinct_comment_has_no_cluster_note(client, version):
    CommentFactory(version=version, body="Only me.", text_hash=text_hash("Only me."))
    cluster_pending_comments(version=version)
    assert "near-identical" not in client.get(version.get_absolute_url()).content.decode()


def test_the_cluster_page_lists_every_member_a_page_at_a_time(client, version, settings):
    settings.CLUSTER_MEMBERS_PER_PAGE = 2
    members = make_campaign(version, 5)
    url = f"{version.get_absolute_url()}clusters/{members[0].pk}/"
    first = client.get(url).content.decode()
    assert "5 near-identical comments" in first
    assert f'id="comment-{members[1].pk}"' in first and f'id="comment-{members[2].pk}"' not in first
    last = client.get(f"{url}?after={members[3].pk}").content.decode()
    assert f'id="comment-{members[4].pk}"' in last and 'rel="next"' not in last
    assert client.get(f"{url}?after=nonsense").status_code == 200


def test_the_cluster_page_costs_the_same_for_many_members(client, version, settings):
    settings.CLUSTER_MEMBERS_PER_PAGE = 3
    small = make_campaign(version, 3, seed=1)
    large = make_campaign(version, 12, clause=version.clauses.first(), seed=2)
    counts = []
    for cluster in (small[0], large[0]):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{version.get_absolute_url()}clusters/{cluster.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_cluster_of_another_version_is_not_found(client, version):
    members = make_campaign(version, 2)
    other = f"/guidelines/acme/medical/v{version.number + 1}/clusters/{members[0].pk}/"
    assert client.get(other).status_code == 404


def test_the_api_and_exports_carry_the_cluster_and_its_size(client, version):
    first, *_ = make_campaign(version, 3)
    results = client.get(API).json()["results"]
    assert {(c["cluster"], c["cluster_size"]) for c in results} == {(first.pk, 3)}
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(f"{API}export.csv").streaming_content).decode())))
    assert {(r["cluster"], r["cluster_size"]) for r in rows} == {(str(first.pk), "3")}
    data = json.loads(b"".join(client.get(f"{API}export.json").streaming_content))
    assert data["comments"][0]["cluster"] == first.pk


def test_the_api_lists_one_cluster_s_comments(client, version):
    first, *_ = make_campaign(version, 3)
    CommentFactory(version=version, body="Apart.", text_hash=text_hash("Apart."))
    cluster_pending_comments(version=version)
    assert len(client.get(f"{API}?cluster={first.pk}").json()["results"]) == 3
    refused = client.get(f"{API}?cluster=abc")
    assert refused.status_code == 400 and "whole number" in refused.json()["errors"]["cluster"][0]


def test_a_comment_not_clustered_yet_has_no_cluster(client, version):
    CommentFactory(version=version)
    (comment,) = client.get(API).json()["results"]
    assert (comment["cluster"], comment["cluster_size"]) == (None, None)


def test_distinct_arguments_count_each_cluster_once(version):
    make_campaign(version, 4)
    CommentFactory(version=version, body="Something else entirely.", text_hash=text_hash("Something else entirely."))
    cluster_pending_comments(version=version)
    CommentFactory(version=version, body="Not clustered yet.")
    assert (version.comments.count(), distinct_arguments(version)) == (6, 3)
