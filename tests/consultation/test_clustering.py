import random
from collections import Counter

import pytest

from consultation.models import Comment, CommentCluster
from consultation.services.campaigns import cluster_pending_comments, text_hash
from consultation.services.comments import post_comment
from consultation.tasks import sweep_unclustered
from tests.consultation.campaign_text import campaign_comment, distinct_comment
from tests.consultation.factories import CommentPeriodFactory, consultation
from tests.factories import UserFactory
from tests.workers import running_workers, wait_for


def _bulk_comments(version, author, bodies, clause=None):
    """Comments stored as post_comment stores them (with their text hash), without 10,000 requests."""
    return Comment.objects.bulk_create(
        [
            Comment(version=version, clause=clause, author=author, body=body, text_hash=text_hash(body))
            for body in bodies
        ],
        batch_size=1000,
    )


def test_exact_duplicates_differ_only_in_case_spacing_and_punctuation():
    assert text_hash("I  OPPOSE this clause!!") == text_hash("i oppose this clause")
    assert text_hash("Ｉ oppose this clause") == text_hash("I oppose this clause")  # NFKC folds full-width letters
    assert text_hash("I oppose this clause") != text_hash("I support this clause")


def test_exact_duplicates_join_the_first_comment_s_cluster(version, citizen):
    first, second, other = _bulk_comments(
        version, citizen, ["Withdraw R-1.1 now!", "withdraw r-1.1 NOW", "R-1.1 protects patients and should stay."]
    )
    cluster_pending_comments(version=version)
    first.refresh_from_db(), second.refresh_from_db(), other.refresh_from_db()
    assert first.cluster_id == second.cluster_id == first.pk
    assert CommentCluster.objects.get(pk=first.pk).size == 2
    assert other.cluster_id == other.pk


def test_a_campaign_of_5000_lands_in_one_cluster_and_distinct_comments_stay_apart(version, citizen):
    rng = random.Random(2026)
    bodies = [(True, campaign_comment(rng)) for _ in range(5000)] + [
        (False, distinct_comment(rng)) for _ in range(5000)
    ]
    rng.shuffle(bodies)
    comments = _bulk_comments(version, citizen, [body for _, body in bodies])
    campaign_ids = {c.pk for c, (is_campaign, _) in zip(comments, bodies, strict=True) if is_campaign}

    assert cluster_pending_comments(version=version, batch=1000) == 10_000

    clusters = dict(Comment.objects.filter(version=version).values_list("pk", "cluster_id"))
    campaign_cluster, in_it = Counter(clusters[pk] for pk in campaign_ids).most_common(1)[0]
    assert in_it >= 0.95 * 5000
    wrongly_clustered = [pk for pk, cluster in clusters.items() if pk not in campaign_ids and cluster != pk]
    assert len(wrongly_clustered) < 0.01 * 5000
    assert (
        CommentCluster.objects.get(pk=campaign_cluster).size == Comment.objects.filter(cluster=campaign_cluster).count()
    )


def test_clustering_again_changes_nothing_and_later_comments_join_existing_clusters(version, citizen):
    rng = random.Random(1)
    _bulk_comments(version, citizen, [campaign_comment(rng) for _ in range(20)])
    cluster_pending_comments(version=version, batch=7)
    before = dict(Comment.objects.values_list("pk", "cluster_id"))
    assert cluster_pending_comments(version=version) == 0

    (late,) = _bulk_comments(version, citizen, [campaign_comment(rng)])
    cluster_pending_comments(version=version)

    assert dict(Comment.objects.exclude(pk=late.pk).values_list("pk", "cluster_id")) == before
    late.refresh_from_db()
    assert late.cluster_id == min(before)
    assert CommentCluster.objects.get(pk=late.cluster_id).size == 21


def test_clusters_belong_to_one_version_and_one_clause(version, citizen):
    other = CommentPeriodFactory().version
    words = "The same words, posted on two versions and on two clauses of one version."
    (here,) = _bulk_comments(version, citizen, [words])
    (on_clause,) = _bulk_comments(version, citizen, [words], clause=version.clauses.first())
    (there,) = _bulk_comments(other, citizen, [words])
    cluster_pending_comments(version=version)
    cluster_pending_comments(version=other)
    for comment in (here, on_clause, there):
        comment.refresh_from_db()
        assert comment.cluster_id == comment.pk


@pytest.mark.services
def test_a_real_worker_clusters_posted_comments(celery_worker_process_for_clustering):
    version, people = celery_worker_process_for_clustering
    rng = random.Random(5)
    with running_workers(1):
        posted = [post_comment(version=version, body=campaign_comment(rng), by=person) for person in people]

        def all_clustered():
            """the worker to cluster every posted comment"""
            return not Comment.objects.filter(cluster__isnull=True).exists()

        wait_for(all_clustered)
    assert {c.cluster_id for c in Comment.objects.filter(pk__in=[c.pk for c in posted])} == {posted[0].pk}
    assert CommentCluster.objects.get(pk=posted[0].pk).size == len(people)


@pytest.fixture
def celery_worker_process_for_clustering(transactional_db, organization):
    return consultation(organization), UserFactory.create_batch(4)


def test_a_posted_comment_is_hashed_and_clustered_once_stored(
    version, citizen, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = post_comment(version=version, body="Withdraw this clause, please.", by=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        second = post_comment(version=version, body="WITHDRAW this clause please", by=reviewer)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.text_hash == second.text_hash == text_hash("withdraw this clause please")
    assert (first.cluster_id, second.cluster_id) == (first.pk, first.pk)


def test_the_sweep_clusters_comments_whose_task_was_lost(version, citizen):
    _bulk_comments(version, citizen, ["One text.", "one text", "Another text entirely, about something else."])
    assert sweep_unclustered() == 3
    assert not Comment.objects.filter(cluster__isnull=True).exists()
    assert CommentCluster.objects.filter(version=version).count() == 2
