""" "I did not write this", in the browser: the holder asks for the link, follows it from the mail, disputes a
comment; a moderator upholds it; the comment shows the tombstone. Each new page passes axe at 390 and 1280 px."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from consultation.services.comments import post_comment
from tests.browser.journey import WIDTHS, Person, audit, field, signed_in
from tests.consultation.factories import consultation
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def audited_at_both_widths(person: Person) -> None:
    page = person.page
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        audit(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_holder_disputes_a_comment_and_a_moderator_upholds_it(new_context, organization, moderator):
    version = consultation(organization)
    holder = UserFactory(email="hal@example.org", display_name="Hal Holder")
    comment = post_comment(version=version, body="Words Hal never wrote.", by=holder)

    hal = Person(new_context(), keyboard=True)
    hal.visit("/")
    hal.follow(hal.page.get_by_role("link", name="Posted in your name?"))
    audited_at_both_widths(hal)
    hal.fill(field(hal.page, "The email address the account was created with"), "hal@example.org")
    hal.submit(hal.page.get_by_role("button", name="Send me the link"))
    expect(hal.page.get_by_text("If an account was created with this address")).to_be_visible()
    link = re.search(r"https?://[^/\s]+(/not-mine/\S+/)", mail.outbox[-1].body).group(1)
    hal.visit(link)
    audited_at_both_widths(hal)
    hal.submit(hal.page.get_by_role("button", name=f"I did not write comment {comment.pk}"))
    expect(hal.page.get_by_text("Marked as disputed.")).to_be_visible()
    hal.visit(comment.get_absolute_url())
    expect(hal.page.get_by_text("Disputed: the account holder says they did not write this")).to_be_visible()

    mod = signed_in(Person(new_context(), keyboard=True), moderator.email, PASSWORD)
    mod.visit("/moderation/disputes/")
    audited_at_both_widths(mod)
    mod.fill(field(mod.page, "Note (on the public record; needed to reject)"), "The holder proved the address.")
    mod.submit(mod.page.get_by_role("button", name=re.compile(r"^Uphold dispute")))
    expect(mod.page.get_by_text("upheld")).to_be_visible()

    hal.visit(comment.get_absolute_url())
    expect(
        hal.page.get_by_text("Hidden by moderators: The account holder says they did not write this")
    ).to_be_visible()
    expect(hal.page.get_by_text("Words Hal never wrote.")).to_have_count(0)


def test_a_publisher_verifies_an_email_domain_and_a_member_is_labelled(new_context, organization, publisher):
    version = consultation(organization)
    pat = signed_in(Person(new_context(), keyboard=True), publisher.email, PASSWORD)
    pat.follow(pat.page.get_by_role("link", name="Publish"))
    pat.follow(pat.page.get_by_role("link", name="Email domains of Acme AI"))
    audited_at_both_widths(pat)
    pat.fill(field(pat.page, "Email domain"), "acme.example")
    pat.fill(field(pat.page, "Address at that domain to mail the link to"), "postmaster@acme.example")
    pat.submit(pat.page.get_by_role("button", name="Mail the verification link"))
    expect(pat.page.get_by_text("We mailed a link to postmaster@acme.example.")).to_be_visible()
    link = re.search(r"https?://[^/\s]+(/email-domains/verify/\S+/)", mail.outbox[-1].body).group(1)
    pat.visit(link)
    audited_at_both_widths(pat)
    pat.submit(pat.page.get_by_role("button", name="Verify acme.example"))
    expect(pat.page.get_by_text("acme.example is verified for Acme AI.")).to_be_visible()

    member = UserFactory(email="jo@acme.example", display_name="Jo Member")
    post_comment(version=version, body="A member's view.", by=member)
    pat.visit(version.get_absolute_url() + "#general")
    expect(pat.page.get_by_text("verified member of Acme AI")).to_be_visible()
