import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.appeals.factories import AISystemFactory, published_guideline
from tests.appeals.precedent_factories import accepted, decide
from tests.browser.journey import WIDTHS, audit, field, signed_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_distinguishes_an_earlier_decision_and_the_public_sees_it_both_ways(
    new_person, organization, citizen, moderator
):
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    guideline = published_guideline(organization)
    earlier = decide(citizen, system, guideline, moderator)
    assignment, reviewer = accepted(citizen, system, guideline, moderator)
    person = signed_in(new_person(), reviewer.email, PASSWORD)
    page = person.page

    person.visit(reverse("review", args=[assignment.pk]), shot="precedent-review")
    person.tick(page.get_by_label("Upheld", exact=True))
    person.fill(field(page, "Rationale (Markdown)"), "The request named a patient; the refusal stands.")
    person.tick(page.get_by_label("R-1.1 Heading R-1.1"))
    row = page.get_by_role("group", name="Cited decision 1")
    person.fill(field(row, "Decision number"), str(earlier.pk))
    person.choose(field(row, "This decision"), "Distinguishes")
    person.fill(field(row, "Why, in a sentence"), "That request asked for dosage facts, not about a person.")
    person.submit(page.get_by_role("button", name="Decide"))
    later = assignment.appeal.decisions.get()
    expect(page.get_by_text(f"decision {earlier.pk} on {earlier.appeal.public_id}")).to_be_visible()
    expect(page.get_by_text("That request asked for dosage facts, not about a person.")).to_be_visible()

    person.visit(earlier.appeal.get_absolute_url(), shot="precedent-cited-by")
    expect(page.get_by_text("Followed by 0 later decisions, distinguished by 1.")).to_be_visible()
    expect(page.get_by_role("link", name=f"Decision {later.pk} on {later.appeal.public_id}")).to_be_visible()
    audit_at_both_widths(person)

    version = guideline.versions.get()
    person.visit(reverse("clause-comments", args=[organization.slug, guideline.slug, version.number, "R-1.1"]))
    leading = page.get_by_role("region", name="Leading decisions on R-1.1")
    expect(leading.get_by_role("link", name=f"Decision {earlier.pk} on {earlier.appeal.public_id}")).to_be_visible()
    audit_at_both_widths(person)


def audit_at_both_widths(person) -> None:
    """axe-core at the narrow and the wide layout (the keyboard run has JavaScript, which axe needs)."""
    if not person.keyboard:
        return
    for width, height in WIDTHS.items():
        person.page.set_viewport_size({"width": width, "height": height})
        audit(person.page)
