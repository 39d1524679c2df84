"""Rows the close-out reads, made directly: suggestions and their decisions, opinion groups, clusters and
endorsements (their own services are built elsewhere)."""

import factory
from django.db.models import F

from consultation.models import Clause, Comment, CommentCluster, OpinionGroups, Suggestion, SuggestionDecision
from tests.consultation.factories import CommentFactory
from tests.factories import UserFactory


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    version = factory.LazyAttribute(lambda s: s.clause.version)
    kind = Suggestion.REPLACE
    text = "The assistant gives the dosage printed on the label."
    reason = "People need the label's dosage."
    author = factory.SubFactory(UserFactory)


class SuggestionDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuggestionDecision

    suggestion = factory.SubFactory(SuggestionFactory)
    outcome = SuggestionDecision.ACCEPTED
    supporters_at_close = factory.LazyAttribute(lambda d: d.suggestion.supporters)
    opponents_at_close = factory.LazyAttribute(lambda d: d.suggestion.opponents)
    author = factory.SubFactory(UserFactory)


class OpinionGroupsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpinionGroups

    votes_seen = 100
    participants = 30
    clustered = 30
    result = factory.LazyFunction(
        lambda: {"method": {}, "k": 2, "silhouette": 0.5, "groups": [], "consensus": [], "divisive": []}
    )


def endorse(comment: Comment, times: int) -> Comment:
    """Give a comment `times` endorsements, counted as endorse_comment counts them (on the comment and its clause)."""
    Comment.objects.filter(pk=comment.pk).update(endorsement_count=F("endorsement_count") + times)
    if comment.clause_id:
        Clause.objects.filter(pk=comment.clause_id).update(endorsement_count=F("endorsement_count") + times)
    comment.refresh_from_db()
    return comment


def campaign(
    version, clause, size: int, body: str = "Allow label dosages. Please change this clause now."
) -> CommentCluster:
    """A cluster of `size` identical comments on a clause, as the clustering task leaves it."""
    members = [CommentFactory(version=version, clause=clause, body=body) for _ in range(size)]
    cluster = CommentCluster.objects.create(representative=members[0], version=version, size=size)
    Comment.objects.filter(pk__in=[m.pk for m in members]).update(cluster=cluster)
    return cluster
