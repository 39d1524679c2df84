"""The open data of public comments on appeals: every comment on an appeal opened for comment, a hidden one as its
tombstone, and the calls with their windows. Declared here and added to opendata.datasets.DATASETS."""

from collections.abc import Iterator

from appeals.models import CaseComment, CommentCall
from opendata.shape import BOOLEAN, DATETIME, INTEGER, Dataset, Field, ForeignKey

CHUNK = 2000


def call_rows(tree_size: int) -> Iterator[dict]:
    calls = CommentCall.objects.select_related("appeal").order_by("pk")
    for call in calls.iterator(chunk_size=CHUNK):
        yield {
            "appeal": call.appeal.public_id,
            "criteria": list(call.criteria),
            "reason": call.reason,
            "opens_at": call.opens_at.isoformat(),
            "closes_at": call.closes_at.isoformat(),
            "comments": call.comment_count,
        }


def comment_rows(tree_size: int) -> Iterator[dict]:
    comments = CaseComment.objects.select_related("appeal", "author").order_by("pk")
    for comment in comments.iterator(chunk_size=CHUNK):
        hidden = comment.is_hidden
        yield {
            "id": comment.pk,
            "appeal": comment.appeal.public_id,
            "created_at": comment.created_at.isoformat(),
            "status": comment.status,
            "author": None if hidden else comment.author.public_name,
            "on_behalf_of": None if hidden else comment.on_behalf_of,
            "assurance": None if hidden else comment.assurance,
            "assurance_organization": None if hidden else comment.assurance_organization,
            "disputed": comment.is_disputed,
            "body": comment.tombstone if hidden else comment.body,
            "hidden_reason": comment.hidden_reason or None,
            "cluster": comment.cluster_id,
            "cluster_size": comment.cluster_size or None,
        }


DATASETS = (
    Dataset(
        name="appeal-comment-calls",
        title="Appeals opened for public comment",
        description="Each appeal moderators opened for public comment before its decision, why, and its window.",
        fields=(
            Field("appeal", "The appeal's public id (see the appeals file)."),
            Field(
                "criteria", "similar_appeals, clause_under_pressure, public_interest (a list; space-separated in CSV)."
            ),
            Field("reason", "The moderator's sentence on why the public should comment."),
            Field("opens_at", "When comments opened (ISO 8601, UTC).", DATETIME),
            Field("closes_at", "When they close, after any extension; never earlier than first set.", DATETIME),
            Field("comments", "How many comments were posted, hidden ones included.", INTEGER),
        ),
        rows=call_rows,
        primary_key=("appeal",),
        foreign_keys=(ForeignKey(("appeal",), "appeals", ("id",)),),
    ),
    Dataset(
        name="appeal-comments",
        title="Public comments on appeals",
        description=(
            "Every comment on an appeal opened for public comment. A comment hidden by moderators is a tombstone: "
            "its status and public reason stay, its text and author never appear."
        ),
        fields=(
            Field("id", "The comment's number; it is on the appeal's page at #case-comment-<id>.", INTEGER),
            Field("appeal", "The appeal's public id."),
            Field("created_at", "When it was posted (ISO 8601, UTC).", DATETIME),
            Field("status", "published or hidden."),
            Field("author", "The author's display name; empty for a hidden comment."),
            Field("on_behalf_of", "The organization the author speaks for, if any; empty for a hidden comment."),
            Field(
                "assurance",
                "Who was speaking, as checked when it was posted: verified_email, verified_member (of an organization "
                "that verified the domain of the author's address) or organization (its own voice); empty if hidden.",
            ),
            Field(
                "assurance_organization",
                "The organization of a verified_member or organization comment, as named then; empty if hidden.",
            ),
            Field(
                "disputed",
                "true while the account holder says they did not write it and a moderator has not decided.",
                BOOLEAN,
            ),
            Field("body", "The comment's text; for a hidden comment, only the tombstone saying why it was hidden."),
            Field(
                "hidden_reason",
                "spam, abuse, personal_data, illegal, off_topic or not_theirs (an upheld dispute), if hidden.",
            ),
            Field(
                "cluster",
                "Its cluster of near-identical comments: the number of the cluster's first comment (itself when it "
                "is distinct); empty until clustered, moments after posting.",
                INTEGER,
            ),
            Field("cluster_size", "On a cluster's first comment, how many comments the cluster holds.", INTEGER),
        ),
        rows=comment_rows,
        primary_key=("id",),
        foreign_keys=(ForeignKey(("appeal",), "appeals", ("id",)),),
    ),
)
