"""Public comments on an appeal, end to end: a moderator opens it, a citizen comments, a publisher comments as the
organization, the reviewer decides with how the comments were considered; every page axe-clean at 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from appeals import services
from appeals.models import CaseComment
from tests.appeals.case_factories import close_window, redacted
from tests.appeals.factories import AISystemFactory, admitted, make_reviewer, published_guideline
from tests.browser.journey import audit, field, signed_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def audit_on_a_phone(person) -> None:
    """The journey audits each page at 1280 px; this audits it at 390 px too, and that nothing scrolls sideways."""
    if not person.keyboard:
        return
    person.page.set_viewport_size(PHONE)
    audit(person.page)
    assert person.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    person.page.set_viewport_size(DESKTOP)


def test_a_moderator_opens_an_appeal_a_citizen_comments_and_the_reviewer_weighs_it(
    new_person, organization, citizen, moderator, publisher
):
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = redacted(
        admitted(UserFactory(display_name="Appellant"), system, published_guideline(organization), moderator), moderator
    )
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)

    mod = signed_in(new_person(), moderator.email, PASSWORD)
    mod.visit(f"/moderation/appeals/{appeal.public_id}/")
    mod.follow(mod.page.get_by_role("link", name="Open this appeal for public comment, or extend its window"))
    audit_on_a_phone(mod)
    mod.tick(mod.page.get_by_label("Public interest"))
    mod.fill(field(mod.page, "In one sentence, why the public should comment on it"), "Dosage facts matter to all.")
    mod.submit(mod.page.get_by_role("button", name="Open for public comment"), shot="case-opened")
    expect(mod.page.get_by_text("is open for public comment")).to_be_visible()

    person = signed_in(new_person(), citizen.email, PASSWORD)
    person.visit("/appeals/open-for-comment/", shot="open-for-comment")
    audit_on_a_phone(person)
    person.follow(person.page.get_by_role("link", name=f"Appeal {appeal.public_id}"))
    person.fill(field(person.page, "Your comment"), "Pharmacists answer this every day; overturn it.")
    person.submit(person.page.get_by_role("button", name="Post comment"), shot="case-commented")
    expect(person.page.get_by_text("Pharmacists answer this every day; overturn it.")).to_be_visible()
    audit_on_a_phone(person)
    assert CaseComment.objects.filter(appeal=appeal).count() == 1

    acme = signed_in(new_person(), publisher.email, PASSWORD)
    acme.visit(appeal.get_absolute_url())
    acme.fill(field(acme.page, "Your comment"), "We will publish the dosage limits ourselves.")
    acme.choose(acme.page.get_by_label("Post as"), "Acme AI (the organization)")
    acme.submit(acme.page.get_by_role("button", name="Post comment"), shot="case-commented-as-organization")
    expect(acme.page.get_by_text("Acme AI: organization")).to_be_visible()
    expect(
        acme.page.get_by_text("2 comments: 1 with a verified email, 1 from Acme AI as the organization.")
    ).to_be_visible()
    audit_on_a_phone(acme)

    close_window(appeal)  # fourteen days later
    rae = signed_in(new_person(), reviewer.user.email, PASSWORD)
    rae.visit(f"/reviewing/{assignment.pk}/", shot="review-with-comments")
    audit_on_a_phone(rae)
    expect(rae.page.get_by_text("Pharmacists answer this every day; overturn it.")).to_be_visible()
    rae.tick(rae.page.get_by_label("Overturned", exact=True))
    rae.fill(field(rae.page, "Rationale (Markdown)"), "Dosage limits are public safety information.")
    rae.tick(rae.page.get_by_label("R-1.1 Heading R-1.1"))
    rae.fill(
        field(rae.page, "How the public comments were considered (Markdown)"),
        "The pharmacists' point decided it: the answer is given at every counter.",
    )
    rae.submit(rae.page.get_by_role("button", name="Decide"), shot="decided-with-comments")
    expect(rae.page.get_by_text("How the public comments were considered")).to_be_visible()
    audit_on_a_phone(rae)
    decision = appeal.decisions.get()
    assert decision.comments_considered.startswith("The pharmacists' point decided it")
