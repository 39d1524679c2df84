import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultation.models import Comment, CommentReport
from consultation.services import comments
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(organization):
    version = consultation(organization)
    return CommentFactory(version=version, clause=version.clauses.first(), body="Buy cheap pills at example.com")


def test_a_moderator_hides_a_comment_behind_a_tombstone(
    moderator, comment, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comments.hide_comment(comment=comment, reason="spam", note="Link farm", by=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.HIDDEN
    page = client.get(comment.version.get_absolute_url()).content.decode()
    assert "Hidden by moderators: Spam or advertising" in page
    assert "Buy cheap pills" not in page and "Link farm" not in page
    entry = Entry.objects.get(kind=EntryKind.COMMENT_HIDDEN)
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


def test_restoring_brings_the_comment_back_and_tells_the_author(
    moderator, comment, mailoutbox, django_capture_on_commit_callbacks
):
    comments.hide_comment(comment=comment, reason="spam", by=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        comments.restore_comment(comment=comment, by=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.PUBLISHED and not comment.hidden_reason
    assert Entry.objects.filter(kind=EntryKind.COMMENT_RESTORED).exists()
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


# Conflicts of interest: the one rule (accounts.permissions.moderation_conflict) for every moderation action.

MODERATION = {
    "hide": lambda comment, by: comments.hide_comment(comment=comment, reason="spam", by=by),
    "restore": lambda comment, by: comments.restore_comment(comment=comment, by=by),
    "dismiss": lambda comment, by: comments.dismiss_reports(comment=comment, by=by),
}


@pytest.fixture
def reported(organization, citizen):
    """A reported comment; hidden too when the action is restoring it."""

    def make(action: str, **fields) -> Comment:
        version = consultation(organization)
        if action == "restore":
            fields.update(status=Comment.HIDDEN, hidden_reason="spam")
        comment = CommentFactory(version=version, clause=version.clauses.first(), **fields)
        CommentReport.objects.create(comment=comment, reporter=citizen, reason="Spam")
        return Comment.objects.get(pk=comment.pk)

    return make


def _state(comment: Comment) -> tuple:
    comment.refresh_from_db()
    return comment.status, comment.hidden_reason, comment.reports.filter(resolved_at__isnull=True).count()


@pytest.mark.parametrize("conflict", ["own comment", "publishes for the organization"])
@pytest.mark.parametrize("action", MODERATION)
def test_a_conflicted_moderator_is_refused_every_action(moderator, organization, reported, action, conflict):
    if conflict == "own comment":
        comment = reported(action, author=moderator)
    else:
        comment = reported(action)
        MembershipFactory(user=moderator, organization=organization)
    before, entries = _state(comment), Entry.objects.count()
    with pytest.raises(PermissionDenied, match="another moderator"):
        MODERATION[action](comment, moderator)
    assert _state(comment) == before and Entry.objects.count() == entries


@pytest.mark.parametrize("action", MODERATION)
def test_a_moderator_without_a_conflict_may_take_every_action(moderator, reported, action):
    comment = reported(action)
    before = _state(comment)
    MODERATION[action](comment, moderator)
    assert _state(comment) != before


@pytest.mark.parametrize("action", MODERATION)
def test_the_pages_refuse_a_conflicted_moderator_and_change_nothing(client, moderator, reported, action):
    comment = reported(action, author=moderator)
    before = _state(comment)
    client.force_login(moderator)
    response = client.post(f"/moderation/comments/{comment.pk}/{action}/", {"reason": "spam"}, follow=True)
    assert "This is your own; another moderator must handle it." in response.content.decode()
    assert _state(comment) == before


def test_the_pages_offer_no_moderation_to_a_conflicted_moderator(client, moderator, organization, reported):
    comment = reported("hide")
    MembershipFactory(user=moderator, organization=organization)
    client.force_login(moderator)
    for page in [client.get("/moderation/comments/"), client.get(comment.get_absolute_url())]:
        text = page.content.decode()
        assert "You publish for Acme AI, so another moderator must handle this." in text
        assert f"Hide comment {comment.pk}" not in text and "dismiss the reports" not in text


def test_the_reported_queue_leaves_out_comments_nobody_reported(client, moderator, citizen, comment):
    quiet = CommentFactory(version=comment.version, clause=comment.clause, body="A fair point about dosage.")
    comments.report_comment(comment=comment, reason="spam", by=citizen)
    client.force_login(moderator)
    page = client.get("/moderation/comments/").content.decode()
    assert "Buy cheap pills" in page
    assert quiet.body not in page
