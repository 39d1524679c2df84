"""The counts the version page shows are kept on rows by the services, in the transaction that changes them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultation.models import Clause, Comment, CommentPeriod, GuidelineVersion
from consultation.selectors import answered_counts
from consultation.services import closing, comments
from consultation.services.counting import recount_threads
from tests.consultation.factories import consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def counts(version: GuidelineVersion) -> tuple:
    clauses = Clause.objects.filter(version=version).order_by("pk")
    rows = GuidelineVersion.objects.filter(pk=version.pk)
    return (
        list(clauses.values_list("comment_count", "hidden_count", "answered_count", "endorsement_count")),
        list(
            rows.values_list(
                "general_comment_count", "general_hidden_count", "general_answered_count", "general_endorsement_count"
            )
        ),
        list(Comment.objects.filter(version=version).order_by("pk").values_list("endorsement_count", "reply_count")),
    )


def test_posting_endorsing_hiding_restoring_and_answering_keep_the_counts(organization, citizen, moderator, publisher):
    version = consultation(organization)
    clause = version.clauses.first()
    first = comments.post_comment(version=version, clause=clause, body="One", by=citizen)
    second = comments.post_comment(version=version, clause=clause, body="Two", by=citizen)
    comments.post_comment(version=version, body="General", by=citizen)
    comments.post_comment(version=version, parent=first, body="Reply", by=citizen)
    comments.endorse_comment(comment=first, by=UserFactory())
    comments.hide_comment(comment=second, reason="spam", by=moderator)
    comments.restore_comment(comment=second, by=moderator)
    comments.hide_comment(comment=second, reason="spam", by=moderator)
    CommentPeriod.objects.filter(version=version).update(closes_at=timezone.now() - timedelta(seconds=1))
    version = GuidelineVersion.objects.get(pk=version.pk)
    closing.respond_to_comment(comment=first, disposition="noted", text="Thanks", by=publisher)

    clause.refresh_from_db()
    assert (clause.comment_count, clause.hidden_count, clause.answered_count, clause.endorsement_count) == (2, 1, 1, 1)
    assert Comment.objects.get(pk=first.pk).reply_count == 1
    assert version.general_comment_count == 1
    assert answered_counts(version) == {"total": 2, "answered": 1}
    kept = counts(version)
    recount_threads(version=version)
    assert counts(version) == kept  # what a bulk loader recounts is what the services kept


def test_a_refused_comment_counts_nothing(organization, citizen):
    version = consultation(organization, closed=True)
    with pytest.raises(ValidationError, match="not open"):
        comments.post_comment(version=version, clause=version.clauses.first(), body="Late", by=citizen)
    assert counts(version)[0] == [(0, 0, 0, 0), (0, 0, 0, 0)]
