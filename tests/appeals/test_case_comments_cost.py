"""A case comment POST is cheap on the request, as a guideline comment's is: a bounded number of queries, with
clustering left to the task queued after commit."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appeals.models import CaseComment
from tests.appeals.case_factories import selected
from tests.consultation.factories import auth
from transparency.signals import QUEUED_KEY

# The token with the person and whether their email is verified; the appeal; the call's count, which also asks
# whether the window is open; the comment; the ledger's locked head; the entry with its tree nodes and new head.
MOST = 8


@pytest.fixture(autouse=True)
def background_work_not_counted(monkeypatch):
    """As in tests/consultation/test_comment_cost.py: a statistics fold and a clustering are already queued."""
    cache.set(QUEUED_KEY, 1, timeout=None)
    monkeypatch.setattr("appeals.services.case_clustering.request_clustering", lambda appeal_id: None)


@pytest.mark.django_db
def test_posting_a_case_comment_costs_a_bounded_number_of_queries(citizen, system, guideline, moderator, client):
    appeal = selected(citizen, system, guideline, moderator)
    headers = auth(citizen)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/appeals/{appeal.public_id}/comments/", {"body": "Cheap."}, content_type="application/json",
            **headers,
        )  # fmt: skip
    assert response.status_code == 201, response.json()
    counted = [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(counted) <= MOST, "\n".join(counted)
    assert CaseComment.objects.get().cluster_id is None  # clustered after commit, not in the request
