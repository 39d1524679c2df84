"""Moderators' pages: the queue, screening, redacting, admitting, refusing and routing by hand."""

import pytest
from django.urls import reverse

from appeals.models import Appeal
from tests.appeals.factories import (
    admitted,
    file,
    make_reviewer,
)


def test_only_moderators_see_the_queue_and_screen(client, citizen, system, guideline, moderator, publisher):
    appeal = file(citizen, system, guideline)
    for user in [citizen, publisher]:
        client.force_login(user)
        assert client.get(reverse("appeal-screening-queue")).status_code == 403
        assert client.post(reverse("admit-appeal", args=[appeal.public_id])).status_code == 403
    client.force_login(moderator)
    assert appeal.public_id in client.get(reverse("appeal-screening-queue")).text
    client.post(reverse("admit-appeal", args=[appeal.public_id]), {"significant": "on"})
    appeal.refresh_from_db()
    assert (appeal.status, appeal.significant) == (Appeal.AWAITING_REVIEW, True)


def test_a_moderator_redacts_and_the_timeline_says_only_that(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, prompt_excerpt="My name is Ada Lovelace, how much paracetamol?")
    client.force_login(moderator)
    client.post(
        reverse("redact-appeal", args=[appeal.public_id]),
        {
            "public_prompt_excerpt": "My name is [redacted], how much paracetamol?",
            "public_refusal_excerpt": "No.",
            "public_grounds": "The dose is on the packet, says [redacted].",
        },
    )
    appeal.refresh_from_db()
    assert appeal.refusal.public_prompt_excerpt == "My name is [redacted], how much paracetamol?"
    assert appeal.public_grounds == "The dose is on the packet, says [redacted]."
    event = appeal.events.get(kind="redacted")
    assert "Ada" not in event.note


def test_a_moderator_declares_an_appeal_inadmissible_with_a_public_note(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline)
    client.force_login(moderator)
    client.post(
        reverse("declare-inadmissible", args=[appeal.public_id]),
        {"reason": "not_a_refusal", "public_note": "The system answered the question.", "confirm": "1"},
    )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.INADMISSIBLE
    assert "The system answered the question." in client.get(appeal.get_absolute_url()).text


def test_moderators_route_by_hand_and_see_why(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    chosen = make_reviewer("chosen")
    client.force_login(moderator)
    client.post(reverse("route-appeal", args=[appeal.public_id]), {"reviewer": chosen.pk})
    page = client.get(reverse("screen-appeal", args=[appeal.public_id]))
    assert "chosen by hand by a moderator" in page.text


def test_the_screening_page_flags_personal_data(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, refusal_excerpt="I won't email bob@example.org for you.")
    client.force_login(moderator)
    page = client.get(reverse("screen-appeal", args=[appeal.public_id]))
    assert "An email address in the refusal excerpt" in page.text
    assert "I won&#x27;t email [redacted] for you." in page.text  # the proposed public excerpt


@pytest.mark.parametrize("chosen", ["abc", "1.5", "", "9" * 30, "²"])
def test_routing_by_hand_to_no_such_reviewer_says_so(client, citizen, system, guideline, moderator, chosen):
    appeal = admitted(citizen, system, guideline, moderator)
    client.force_login(moderator)
    response = client.post(reverse("route-appeal", args=[appeal.public_id]), {"reviewer": chosen}, follow=True)
    assert "Choose a reviewer from the list" in response.text
    assert not appeal.assignments.exists()
