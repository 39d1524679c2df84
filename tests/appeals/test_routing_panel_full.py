"""The screening page offers routing by hand only while the panel has a free place; when it is full it says why.
A POST made anyway is still refused by the service."""

from django.urls import reverse

from appeals import services
from tests.appeals.factories import admitted, make_reviewer


def test_with_a_free_place_the_moderator_can_offer_it(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    make_reviewer("free")
    client.force_login(moderator)
    page = client.get(reverse("screen-appeal", args=[appeal.public_id])).text
    assert "Offer to this reviewer" in page and "The panel is full" not in page


def test_with_a_full_panel_there_is_no_form_but_the_reason(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    make_reviewer("first")
    services.route_appeal(appeal=appeal)
    other = make_reviewer("other")
    client.force_login(moderator)
    page = client.get(reverse("screen-appeal", args=[appeal.public_id])).text
    assert "The panel is full: 1 of 1 place offered or taken" in page
    assert "Offer to this reviewer" not in page
    response = client.post(reverse("route-appeal", args=[appeal.public_id]), {"reviewer": other.pk}, follow=True)
    assert "already has a full panel" in response.text and appeal.assignments.count() == 1
