import pytest
from playwright.sync_api import expect

from appeals.models import Appeal
from consultation.models import Comment
from consultation.services.comments import report_comment
from tests.appeals.factories import AISystemFactory, file, make_reviewer, published_guideline
from tests.browser.journey import Person, field, signed_in
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def work(organization, citizen):
    """A reported comment, one nobody reported, and an appeal waiting to be screened."""
    version = consultation(organization)
    reported = CommentFactory(version=version, body="Buy cheap pills at example.shop!")
    CommentFactory(version=version, body="A fair point about the second clause.")
    report_comment(comment=reported, reason="Advertising", by=citizen)
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    make_reviewer("rae", expertise=["medical"])
    return reported, file(citizen, system, published_guideline(organization))


def test_the_reported_queue_lists_only_reported_comments(page, work, moderator):
    moderator_ = signed_in(Person(page, keyboard=True), moderator.email, PASSWORD)
    moderator_.follow(page.get_by_role("link", name="Comments to moderate"), shot="moderation-comments")
    expect(page.get_by_text("Buy cheap pills at example.shop!")).to_be_visible()
    expect(page.get_by_text("A fair point about the second clause.")).to_have_count(0)


def test_a_moderator_hides_a_reported_comment_and_admits_an_appeal(new_person, work, moderator):
    reported, appeal = work
    mod = signed_in(new_person(), moderator.email, PASSWORD)
    page = mod.page
    mod.follow(page.get_by_role("link", name="Comments to moderate"))
    card = page.get_by_role("listitem").filter(has=page.get_by_role("button", name=f"Hide comment {reported.pk}"))
    mod.choose(field(card, "Reason (shown publicly)"), "Spam or advertising")
    mod.fill(card.get_by_label("Note to the author"), "Links to shops are not comments.")
    mod.submit(card.get_by_role("button", name=f"Hide comment {reported.pk}"))
    expect(page.get_by_text("The comment is hidden")).to_be_visible()
    reported.refresh_from_db()
    assert (reported.status, reported.hidden_reason) == (Comment.HIDDEN, "spam")

    mod.follow(page.get_by_role("link", name="Appeals to screen"), shot="moderation-appeals")
    mod.follow(page.get_by_role("link", name=appeal.public_id), shot="screen-appeal")
    mod.submit(page.get_by_role("button", name="Admit for review"))
    expect(page.get_by_text("is admitted")).to_be_visible()
    expect(page.get_by_role("cell", name="rae", exact=True)).to_be_visible()  # offered to the reviewer
    appeal.refresh_from_db()
    assert appeal.status == Appeal.AWAITING_REVIEW
