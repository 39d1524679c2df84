import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultation.models import Comment
from consultation.services import comments
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(organization):
    version = consultation(organization)
    return CommentFactory(version=version, clause=version.clauses.first(), body="Buy cheap pills at example.com")


def test_a_moderator_hides_a_comment_behind_a_tombstone(moderator, comment, client, mailoutbox,
                                                        django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        comments.hide_comment(comment=comment, reason="spam", note="Link farm", by=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.HIDDEN
    page = client.get(comment.version.get_absolute_url()).content.decode()
    assert "Hidden by moderators: Spam or advertising" in page
    assert "Buy cheap pills" not in page and "Link farm" not in page
    entry = Entry.objects.get(kind="comment.hidden")
    assert entry.data == {"reason": "spam"}
    assert mailoutbox[0].to == [comment.author.email] and "hidden" in mailoutbox[0].subject


def test_a_publisher_or_citizen_can_never_hide(publisher, citizen, comment):
    for person in [publisher, citizen]:
        with pytest.raises(PermissionDenied):
            comments.hide_comment(comment=comment, reason="spam", by=person)
    comment.refresh_from_db()
    assert comment.status == Comment.PUBLISHED


def test_a_moderator_who_publishes_for_the_organization_cannot_moderate_its_comments(moderator, comment):
    MembershipFactory(user=moderator, organization=comment.version.guideline.organization)
    with pytest.raises(PermissionDenied, match="another moderator"):
        comments.hide_comment(comment=comment, reason="spam", by=moderator)
    with pytest.raises(PermissionDenied, match="another moderator"):
        comments.dismiss_reports(comment=comment, by=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.PUBLISHED


def test_only_a_moderator_restores_or_dismisses(publisher, citizen, moderator, comment):
    comments.hide_comment(comment=comment, reason="spam", by=moderator)
    for person in [publisher, citizen]:
        with pytest.raises(PermissionDenied):
            comments.restore_comment(comment=comment, by=person)
        with pytest.raises(PermissionDenied):
            comments.dismiss_reports(comment=comment, by=person)
    comment.refresh_from_db()
    assert comment.status == Comment.HIDDEN


def test_the_reason_comes_from_the_fixed_list(moderator, comment):
    with pytest.raises(ValidationError):
        comments.hide_comment(comment=comment, reason="i-dont-like-it", by=moderator)


def test_restoring_brings_the_comment_back_and_tells_the_author(moderator, comment, mailoutbox,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    comments.hide_comment(comment=comment, reason="spam", by=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        comments.restore_comment(comment=comment, by=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.PUBLISHED and not comment.hidden_reason
    assert Entry.objects.filter(kind="comment.restored").exists()
    assert "restored" in mailoutbox[-1].subject


def test_the_queue_lists_reported_comments_for_moderators_only(client, moderator, publisher, citizen, comment):
    comments.report_comment(comment=comment, reason="spam", by=citizen)
    client.force_login(publisher)
    assert client.get("/moderation/comments/").status_code == 403
    assert client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "spam"}).status_code == 403
    client.force_login(moderator)
    page = client.get("/moderation/comments/").content.decode()
    assert "Buy cheap pills" in page and "spam" in page
    client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "spam", "note": ""})
    assert "Nothing reported" in client.get("/moderation/comments/").content.decode()
    assert "Buy cheap pills" in client.get("/moderation/comments/?show=hidden").content.decode()
    client.post(f"/moderation/comments/{comment.pk}/restore/")
    comment.refresh_from_db()
    assert comment.status == Comment.PUBLISHED


def test_dismissing_reports_keeps_the_comment(client, moderator, citizen, comment):
    comments.report_comment(comment=comment, by=citizen)
    client.force_login(moderator)
    client.post(f"/moderation/comments/{comment.pk}/dismiss/")
    assert not Comment.objects.reported().exists()
    comment.refresh_from_db()
    assert comment.status == Comment.PUBLISHED


def test_a_hide_without_a_reason_is_refused_on_the_page(client, moderator, comment):
    client.force_login(moderator)
    response = client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": ""}, follow=True)
    assert "Choose one of the listed reasons" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.PUBLISHED
