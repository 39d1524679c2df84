import pytest
from playwright.sync_api import expect

from appeals.models import Appeal, Decision
from consultation.models import Comment
from consultation.services.comments import hide_comment, report_comment
from tests.appeals.factories import AISystemFactory, decided, file, make_reviewer, published_guideline
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


def test_a_moderator_dismisses_restores_redacts_and_declares_inadmissible(new_person, work, moderator):
    reported, appeal = work
    hidden = CommentFactory(version=reported.version, body="Hidden by mistake: a fair question.")
    hide_comment(comment=hidden, reason="spam", by=moderator)
    mod = signed_in(new_person(), moderator.email, PASSWORD)
    page = mod.page
    mod.follow(page.get_by_role("link", name="Comments to moderate"))
    mod.submit(page.get_by_role("button", name=f"Keep it: dismiss the reports on comment {reported.pk}"))
    expect(page.get_by_text("The reports are dismissed; the comment stays.")).to_be_visible()
    expect(page.get_by_text("Buy cheap pills at example.shop!")).to_have_count(0)
    assert not reported.reports.filter(resolved_at__isnull=True).exists()

    mod.follow(page.get_by_role("navigation", name="Queues").get_by_role("link", name="Hidden"))
    mod.submit(page.get_by_role("button", name=f"Restore comment {hidden.pk}"))
    expect(page.get_by_text("The comment is public again; its author has been told.")).to_be_visible()
    hidden.refresh_from_db()
    assert hidden.status == Comment.PUBLISHED

    mod.follow(page.get_by_role("link", name="Appeals to screen"))
    mod.follow(page.get_by_role("link", name=appeal.public_id))
    mod.fill(field(page, "Public prompt excerpt"), "What is the usual dose for [redacted]?")
    mod.submit(page.get_by_role("button", name="Save what the public sees"))
    expect(page.get_by_text("The public excerpts and grounds are saved.")).to_be_visible()
    appeal.refusal.refresh_from_db()
    assert appeal.refusal.public_prompt_excerpt == "What is the usual dose for [redacted]?"

    mod.choose(field(page, "Reason"), "It is not a refusal by an AI system")
    mod.fill(field(page, "Public note"), "The answer came from a person, not the assistant.")
    mod.submit(page.get_by_role("button", name="Declare inadmissible"), shot="declared-inadmissible")
    expect(page.get_by_text(f"Appeal {appeal.public_id} is declared inadmissible.")).to_be_visible()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.inadmissible_reason) == (Appeal.INADMISSIBLE, "not_a_refusal")


def test_a_moderator_corrects_a_decision(new_person, organization, citizen, moderator):
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = decided(citizen, system, published_guideline(organization), moderator)
    mod = signed_in(new_person(), moderator.email, PASSWORD)
    page = mod.page
    mod.visit(f"/moderation/appeals/{appeal.public_id}/")
    mod.follow(page.get_by_role("link", name="Correct it"), shot="correct-decision")
    mod.fill(field(page, "What the correction fixes"), "The panel meant only the dosage half.")
    mod.tick(page.get_by_label("Partially overturned", exact=True))
    mod.fill(field(page, "Rationale (Markdown)"), "Dosages on the leaflet are public; others are not.")
    mod.submit(page.get_by_role("button", name="Publish the correction"))
    expect(page.get_by_text("The correction is published; the original stays visible.")).to_be_visible()
    correction = appeal.decisions.get(supersedes__isnull=False)
    assert (correction.outcome, correction.cited_clause_keys) == (Decision.PARTIAL, ["R-1.1"])
