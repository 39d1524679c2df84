import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from appeals.models import Decision
from ledger.models import Entry
from tests.appeals.factories import decided, file
from transparency.fold import fold_record
from transparency.models import FoldMark, Tally


def tally(dimension, key):
    counts = {}
    for row in Tally.objects.filter(dimension=dimension, key=key):
        for name, value in row.counts.items():
            counts[name] = counts.get(name, 0) + value
    return counts


def test_the_fold_counts_appeals_decisions_and_comments(record):
    everything = tally(Tally.ALL, "")
    assert everything["filed"] == 8
    assert everything["admitted"] == 5
    assert everything["inadmissible"] == 1 and everything["inadmissible:duplicate"] == 1
    assert everything["withdrawn"] == 1
    assert everything["decided"] == 4
    assert everything["outcome:overturned"] == 1 and everything["outcome:upheld"] == 1
    assert everything["outcome:partially_overturned"] == 2  # the correction replaced an upheld
    assert everything["comments"] == 3 and everything["answered"] == 1  # a reply is not a comment to answer
    assert everything["disposition:adopted"] == 1


def test_decisions_are_filed_under_the_clauses_and_topics_they_cite(record):
    assert tally(Tally.CLAUSE, "acme/assistant-refusals/R-2.1")["filed"] == 1
    assert tally(Tally.CLAUSE, "acme/assistant-refusals/R-2.1")["decided"] == 1  # the correction cites it
    assert tally(Tally.TOPIC, "medical")["decided"] == 3
    assert tally(Tally.ORGANIZATION_TOPIC, "globex/medical")["outcome:partially_overturned"] == 1


def test_reviewing_is_counted_by_pseudonymous_label(record):
    rae = tally(Tally.REVIEWER, "rae")
    assert rae == {"offered": 1, "accepted": 1, "votes": 1, "votes_on_time": 1}


def test_folding_again_changes_nothing(record):
    before = {(t.dimension, t.key, t.month): t.counts for t in Tally.objects.all()}
    assert fold_record() == 0
    assert {(t.dimension, t.key, t.month): t.counts for t in Tally.objects.all()} == before
    assert FoldMark.objects.get().seq == Entry.objects.order_by("-seq").first().seq


def test_a_new_decision_is_folded_on_top(record, citizen, system, guideline, moderator):
    decided(citizen, system, guideline, moderator, handle="new", outcome=Decision.UPHELD)
    fold_record()
    assert tally(Tally.ALL, "")["decided"] == 5
    assert tally(Tally.ALL, "")["outcome:upheld"] == 2


def test_a_fold_runs_a_fixed_number_of_queries_per_batch(record, citizen, system, guideline, moderator):
    for handle in ["b1", "b2", "b3", "b4"]:
        decided(citizen, system, guideline, moderator, handle=handle)
    with CaptureQueriesContext(connection) as queries:
        fold_record()
    few = len(queries)
    for handle in ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"]:
        decided(citizen, system, guideline, moderator, handle=handle)
    with CaptureQueriesContext(connection) as queries:
        fold_record()
    assert len(queries) == few


def test_a_commit_queues_a_fold(citizen, system, guideline, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        file(citizen, system, guideline)
    assert tally(Tally.ALL, "")["filed"] == 1


@pytest.mark.django_db(transaction=True)
def test_folds_at_the_same_time_count_each_entry_once(citizen, system, guideline, moderator):
    for n in range(3):
        file(citizen, system, guideline, prompt_excerpt=f"Request {n}")
    Tally.objects.all().delete()
    FoldMark.objects.all().delete()

    def fold():
        try:
            fold_record()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fold) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tally(Tally.ALL, "")["filed"] == 3
