"""A backlog of unclustered comments (a bulk load, an outage, a campaign) never lands on a request: without a broker
the comment POST's clustering does one bounded batch and hands the rest to the in-process scheduler's thread."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import Comment
from consultation.services.campaigns import text_hash
from consultation.tasks import cluster_comments, sweep_unclustered
from core import scheduler
from tests.consultation.campaign_text import distinct_comment
from tests.consultation.factories import auth

URL = "/api/v1/guidelines/acme/medical/versions/1/comments/"
BATCH = 5


@pytest.fixture(autouse=True)
def small_batches(settings):
    settings.CELERY_BROKER_URL = ""
    settings.CLUSTERING_BATCH_SIZE = BATCH
    scheduler.InProcessBeat({}).run_next_batches()  # nothing left over from another test


def backlog(version, author, count: int) -> None:
    """Comments stored by a bulk path, as seed_scale and imports store them: hashed, not clustered."""
    rng = random.Random(count)
    bodies = [distinct_comment(rng) for _ in range(count)]
    Comment.objects.bulk_create(
        [Comment(version=version, author=author, body=body, text_hash=text_hash(body)) for body in bodies]
    )


def unclustered(version) -> int:
    return Comment.objects.filter(version=version, cluster__isnull=True).count()


def post(client, citizen) -> int:
    """The number of queries the POST ran, clustering after its commit included."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {"body": "Please narrow this."}, content_type="application/json", **auth(citizen))
    assert response.status_code == 201, response.json()
    return len(queries)


def work_off() -> int:
    """Run the batches handed to the scheduler's thread until none is left, as its loop does; how many rounds."""
    beat = scheduler.InProcessBeat({})
    rounds = 0
    while beat.run_next_batches():
        rounds += 1
    return rounds


@pytest.mark.django_db(transaction=True)
def test_a_comment_post_clusters_one_batch_of_a_backlog_and_its_queries_do_not_grow_with_it(
    client, version, citizen, reviewer
):
    backlog(version, reviewer, 12)
    small = post(client, citizen)
    assert unclustered(version) == 12 + 1 - BATCH

    backlog(version, reviewer, 60)
    before = unclustered(version)
    large = post(client, citizen)

    assert unclustered(version) == before + 1 - BATCH
    assert large <= small


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_works_off_the_rest_in_batches(client, version, citizen, reviewer):
    backlog(version, reviewer, 23)
    post(client, citizen)
    assert unclustered(version) == 24 - BATCH

    assert work_off() == 4  # 19 left: three full batches and a last one of 4
    assert unclustered(version) == 0


@pytest.mark.django_db(transaction=True)
def test_a_clustering_run_is_safe_to_repeat(version, reviewer):
    backlog(version, reviewer, 7)
    assert cluster_comments(version.pk) == BATCH
    assert cluster_comments(version.pk) == 2
    clusters = dict(Comment.objects.values_list("pk", "cluster_id"))
    assert cluster_comments(version.pk) == 0
    assert dict(Comment.objects.values_list("pk", "cluster_id")) == clusters
    assert work_off() == 1  # the batch the first run asked for finds nothing left, and asks for no other


@pytest.mark.django_db(transaction=True)
def test_the_sweep_does_one_batch_and_leaves_the_rest_to_the_scheduler(version, reviewer):
    backlog(version, reviewer, 12)
    assert sweep_unclustered() == BATCH
    assert unclustered(version) == 7
    work_off()
    assert unclustered(version) == 0
