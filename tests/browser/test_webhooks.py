"""A publisher subscribes an endpoint, copies its secret (shown once), sees a delivery reach a real receiver and
replays it; every webhook page passes axe-core at 390 and 1280 px."""

import pytest
from playwright.sync_api import expect

from tests.appeals.factories import AISystemFactory, file, published_guideline
from tests.browser.journey import audit, field, signed_in
from tests.factories import PASSWORD
from tests.webhooks.receiver import receiver  # noqa: F401  (a fixture)
from webhooks.models import Delivery, Endpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def audit_at_both_widths(person) -> None:
    if person.keyboard:  # axe-core needs JavaScript; the pages without it are the same documents
        for width, height in ((390, 844), (1280, 800)):
            person.page.set_viewport_size({"width": width, "height": height})
            audit(person.page)


def test_a_publisher_subscribes_sees_a_delivery_and_replays_it(
    settings,
    tmp_path,
    new_person,
    organization,
    publisher,
    citizen,
    receiver,  # noqa: F811
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    guideline, system = published_guideline(organization), AISystemFactory(organization=organization)
    person = signed_in(new_person(), publisher.email, PASSWORD)
    page = person.page
    person.visit(f"/organizations/{organization.slug}/")
    person.follow(page.get_by_role("link", name="Webhooks"))
    audit_at_both_widths(person)
    person.fill(field(page, "Endpoint URL"), receiver.url)
    person.tick(page.get_by_label("An appeal against one of its systems is filed"))
    person.submit(page.get_by_role("button", name="Add the endpoint"), shot="webhook-endpoint")
    secret = Endpoint.objects.get().secret
    expect(page.get_by_text(secret)).to_be_visible()
    audit_at_both_widths(person)

    file(citizen, system, guideline)
    assert len(receiver.received) == 1
    person.visit(page.url)
    expect(page.get_by_text(secret)).to_have_count(0)
    delivery = Delivery.objects.get()
    person.follow(page.get_by_role("link", name=delivery.message_id))
    expect(page.get_by_role("cell", name="HTTP 200: thanks")).to_be_visible()
    person.submit(page.get_by_role("button", name="Replay this delivery"), shot="webhook-delivery")
    expect(page.get_by_text("The message is sent again with the same webhook-id")).to_be_visible()
    expect(page.get_by_role("cell", name="Replay")).to_be_visible()
    audit_at_both_widths(person)
    assert [message.headers["webhook-id"] for message in receiver.received] == [delivery.message_id] * 2
