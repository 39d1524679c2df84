import pytest
from django.core.exceptions import ValidationError

from appeals import services
from appeals.redaction import redact
from tests.appeals.factories import file


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to ada.l@example.org", "email"),
        ("call +44 20 7946 0958", "phone_number"),
        ("my number is (415) 555-0100", "phone_number"),
        ("card 4111 1111 1111 1111", "card_number"),
        ("https://chat.example/c/share?token=abc123", "token_link"),
        ("https://chat.example/share/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5", "token_link"),
    ],
)
def test_personal_data_is_found_and_replaced(text, kind):
    redacted, kinds = redact(text)
    assert kinds == [kind]
    assert "[redacted]" in redacted


@pytest.mark.parametrize(
    "text",
    ["On 2026-11-20 14:30 I asked", "a dose of 4000 mg a day", "https://example.org/docs?page=2", "ticket 12345678"],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == (text, [])


def test_personal_data_in_the_grounds_is_flagged_and_never_public(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, grounds="Reply to ada@example.org or +44 20 7946 0958, please.")
    assert {flag["field"] for flag in appeal.refusal.personal_data_flags} == {"grounds"}
    services.admit_appeal(appeal=appeal, by=moderator)
    page = client.get(appeal.get_absolute_url()).text
    assert "ada@example.org" not in page and "7946" not in page and "[redacted]" in page
    grounds = client.get(f"/api/v1/appeals/{appeal.public_id}/").json()["refusal"]["grounds"]
    assert "ada@example.org" not in grounds and "[redacted]" in grounds


def test_the_moderator_edits_the_public_grounds_and_personal_data_is_refused(citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, grounds="I am Ada Lovelace and the dose is on the packet.")
    with pytest.raises(ValidationError) as refused:
        services.redact_refusal(
            appeal=appeal, by=moderator, public_prompt_excerpt="a", public_refusal_excerpt="b",
            public_grounds="Write to ada@example.org",
        )  # fmt: skip
    assert "public_grounds" in refused.value.message_dict
    services.redact_refusal(
        appeal=appeal, by=moderator, public_prompt_excerpt="a", public_refusal_excerpt="b",
        public_grounds="I am [redacted] and the dose is on the packet.",
    )  # fmt: skip
    appeal.refresh_from_db()
    assert appeal.public_grounds == "I am [redacted] and the dose is on the packet."
    assert appeal.grounds == "I am Ada Lovelace and the dose is on the packet."


def test_personal_data_missed_at_screening_can_still_be_taken_down(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline, grounds="Call my sister Ada on Tuesdays.")
    services.admit_appeal(appeal=appeal, by=moderator)
    assert "my sister Ada" in client.get(appeal.get_absolute_url()).text
    services.redact_refusal(
        appeal=appeal, by=moderator, public_prompt_excerpt="a", public_refusal_excerpt="b",
        public_grounds="Call [redacted] on Tuesdays.",
    )  # fmt: skip
    appeal.refresh_from_db()
    assert appeal.status == "awaiting_review"
    page = client.get(appeal.get_absolute_url()).text
    assert "my sister Ada" not in page and "Call [redacted] on Tuesdays." in page
    assert appeal.events.filter(kind="redacted").count() == 1
