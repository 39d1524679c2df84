from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone
from rest_framework.authtoken.models import Token

from consultation.models import Comment, CommentPeriod, GuidelineVersion
from consultation.services.common import count_thread
from core.markdown import render_markdown
from tests.factories import ClauseFactory, GuidelineFactory, GuidelineVersionFactory, UserFactory


class CommentPeriodFactory(factory.django.DjangoModelFactory):
    """An open period by default: opened a day ago, closing in 30 days."""

    class Meta:
        model = CommentPeriod

    version = factory.SubFactory(GuidelineVersionFactory, status=GuidelineVersion.CONSULTATION)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    version = factory.SubFactory(GuidelineVersionFactory, status=GuidelineVersion.CONSULTATION)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}: this clause is too broad.")
    body_html = factory.LazyAttribute(lambda comment: render_markdown(comment.body))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Keep the counts that post_comment keeps, so the pages show a factory's comment as they would a real one."""
        comment = super()._create(model_class, *args, **kwargs)
        if comment.parent_id:
            Comment.objects.filter(pk=comment.parent_id).update(reply_count=F("reply_count") + 1)
        else:
            count_thread(
                version_id=comment.version_id,
                clause_id=comment.clause_id,
                comment_count=1,
                hidden_count=int(comment.is_hidden),
            )
        return comment


def consultation(organization, *, clauses: int = 2, opens_in: timedelta | None = None, closed: bool = False):
    """A guideline of `organization` whose version 1 is in consultation, open unless told otherwise."""
    guideline = GuidelineFactory(organization=organization, slug="medical", title="Medical advice")
    version = GuidelineVersionFactory(guideline=guideline, number=1, status=GuidelineVersion.CONSULTATION)
    for index in range(clauses):
        ClauseFactory(version=version, key=f"R-{index + 1}.1", heading=f"Clause {index + 1}", position=index)
    now = timezone.now()
    if closed:
        opens_at, closes_at = now - timedelta(days=40), now - timedelta(days=1)
    elif opens_in:
        opens_at, closes_at = now + opens_in, now + opens_in + timedelta(days=30)
    else:
        opens_at, closes_at = now - timedelta(days=1), now + timedelta(days=30)
    CommentPeriodFactory(version=version, opens_at=opens_at, closes_at=closes_at)
    return GuidelineVersion.objects.select_related("guideline__organization", "comment_period").get(pk=version.pk)


def auth(user) -> dict:
    """Headers that sign an API request in with the person's token."""
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
