import pytest

from consultation.models import Comment
from tests.consultation.factories import CommentFactory, consultation

pytestmark = pytest.mark.django_db


def test_every_public_page_renders(client, organization, citizen, moderator, publisher):
    version = consultation(organization)
    clause = version.clauses.first()
    comment = CommentFactory(version=version, clause=clause)
    CommentFactory(version=version, clause=clause, parent=comment)
    CommentFactory(version=version, status=Comment.HIDDEN, hidden_reason="spam")
    for who in [None, citizen, moderator, publisher]:
        client.logout()
        if who:
            client.force_login(who)
        for url in [
            "/guidelines/",
            "/guidelines/acme/medical/",
            "/guidelines/acme/medical/v1/",
            "/guidelines/acme/medical/v1/clauses/R-1.1/",
            "/guidelines/acme/medical/v1/clauses/general/",
            f"/guidelines/acme/medical/v1/comments/{comment.pk}/",
            "/guidelines/acme/medical/v1/diff/1/",
            "/feeds/consultations/",
        ]:
            assert client.get(url).status_code == 200, (who, url)
