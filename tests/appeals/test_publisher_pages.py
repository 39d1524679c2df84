"""Publishers' pages: the decisions to answer, and answering them for their organization only."""

from django.urls import reverse

from tests.appeals.factories import (
    decided,
)


def test_a_publisher_responds_but_cannot_decide(client, citizen, system, guideline, moderator, publisher):
    appeal = decided(citizen, system, guideline, moderator)
    decision = appeal.decisions.get()
    client.force_login(publisher)
    assert client.get(reverse("reviewer-home")).status_code == 403
    assert client.get(reverse("correct-decision", args=[decision.pk])).status_code == 403
    client.post(reverse("respond-to-decision", args=[decision.pk]), {"kind": "will_comply", "text": "We will."})
    assert "We will." in client.get(appeal.get_absolute_url()).text


def test_others_cannot_respond_for_the_organization(client, citizen, system, guideline, moderator):
    appeal = decided(citizen, system, guideline, moderator)
    client.force_login(citizen)
    assert client.get(reverse("respond-to-decision", args=[appeal.decisions.get().pk])).status_code == 403


def test_a_publisher_sees_the_decisions_to_answer(client, citizen, system, guideline, moderator, publisher):
    appeal = decided(citizen, system, guideline, moderator)
    client.force_login(citizen)
    assert client.get(reverse("decisions-to-answer")).status_code == 403
    client.force_login(publisher)
    assert "Decisions on your organization" in client.get(reverse("decisions")).text
    page = client.get(reverse("decisions-to-answer"))
    assert appeal.public_id in page.text and "not answered yet" in page.text
