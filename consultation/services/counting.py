"""The counts kept on rows, recounted from the rows themselves: for loaders that write comments in bulk."""

from django.db import connection, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from consultation.models import Clause, Comment, Endorsement, GuidelineVersion, Response


def _count(rows: QuerySet, **where) -> Coalesce:
    """How many of `rows` match `where` (an OuterRef to the row being updated), as one subquery."""
    counted = rows.filter(**where).order_by().values(*where).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@transaction.atomic
def recount_threads(*, version: GuidelineVersion) -> None:
    """Set every count the services keep for one version (its comments, its clauses, its general comments) from
    the rows, as post_comment, endorse_comment, hide_comment, restore_comment and the responses would have."""
    with connection.cursor() as cursor:
        # Called right after a bulk load: without fresh statistics the planner takes a million new comments for
        # a few thousand and answers each row's count by scanning all of the version's comments again.
        cursor.execute("ANALYZE consultation_comment, consultation_endorsement")
    comments = Comment.objects.filter(version=version)
    endorsements = Endorsement.objects.filter(comment__version=version)
    comments.update(
        # A comment's endorsements and replies are its own whatever the version: counted from their own indexes.
        endorsement_count=_count(Endorsement.objects.all(), comment=OuterRef("pk")),
        reply_count=_count(Comment.objects.all(), parent=OuterRef("pk")),
        answered_at=Subquery(Response.objects.filter(comment=OuterRef("pk")).values("created_at")[:1]),
    )
    top = comments.filter(parent__isnull=True)
    hidden = top.filter(status=Comment.HIDDEN)
    answered = top.filter(status=Comment.PUBLISHED).filter(Exists(Response.objects.filter(comment=OuterRef("pk"))))
    Clause.objects.filter(version=version).update(
        comment_count=_count(top, clause=OuterRef("pk")),
        hidden_count=_count(hidden, clause=OuterRef("pk")),
        answered_count=_count(answered, clause=OuterRef("pk")),
        endorsement_count=_count(endorsements, comment__clause=OuterRef("pk")),
    )
    general = Q(clause__isnull=True)
    GuidelineVersion.objects.filter(pk=version.pk).update(
        general_comment_count=_count(top.filter(general), version=OuterRef("pk")),
        general_hidden_count=_count(hidden.filter(general), version=OuterRef("pk")),
        general_answered_count=_count(answered.filter(general), version=OuterRef("pk")),
        general_endorsement_count=_count(
            endorsements.filter(comment__clause__isnull=True), comment__version=OuterRef("pk")
        ),
    )
