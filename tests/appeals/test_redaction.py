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
        ("ring 020 7946 0958 after six", "phone_number"),
        ("my number is (415) 555-0100", "phone_number"),
        ("call 212-555-0147 tomorrow", "phone_number"),
        ("card 4111 1111 1111 1111", "card_number"),
        ("card 5500-0000-0000-0004 expired", "card_number"),
        ("pay into GB82 WEST 1234 5698 7654 32", "iban"),
        ("IBAN DE89370400440532013000", "iban"),
        ("my SSN is 536-22-8726", "national_id"),
        ("NI number JG 10 37 29 A", "national_id"),
        ("my router is 192.168.1.1", "ip_address"),
        ("from 2001:db8::8a2e:370:7334 today", "ip_address"),
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
    [
        "Decision on A-2026-000007",
        "appeals A-2026-000007 and A-2025-123456 cite R-4.2",
        "clause R-4.2 and S-12.3.1 of version 2",
        "On 2026-11-20 14:30 I asked",
        "on 20/11/2026 and 2026-11-20T14:30:00",
        "since v2.10.3 and version 1.4.0.2",
        "a dose of 4000 mg a day",
        "https://example.org/docs?page=2",
        "ticket 12345678",
        "order 4111 1111 1111 1112",
        "GB82 WEST 1234 5698 7654 33 is not a checked account",
        "000-12-3456 is not an issued SSN",
        "256.1.1.1 is not an address",
        "at 14:30:00 sharp",
    ],
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
            appeal=appeal,
            by=moderator,
            public_prompt_excerpt="a",
            public_refusal_excerpt="b",
            public_grounds="Write to ada@example.org",
        )
    assert "public_grounds" in refused.value.message_dict
    services.redact_refusal(
        appeal=appeal,
        by=moderator,
        public_prompt_excerpt="a",
        public_refusal_excerpt="b",
        public_grounds="I am [redacted] and the dose is on the packet.",
    )
    appeal.refresh_from_db()
    assert appeal.public_grounds == "I am [redacted] and the dose is on the packet."
    assert appeal.grounds == "I am Ada Lovelace and the dose is on the packet."


def test_personal_data_missed_at_screening_can_still_be_taken_down(
    client, citizen, system, guideline, moderator, django_capture_on_commit_callbacks
):
    appeal = file(citizen, system, guideline, grounds="Call my sister Ada on Tuesdays.")
    services.admit_appeal(appeal=appeal, by=moderator)
    assert "my sister Ada" in client.get(appeal.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is renewed once the redaction commits
        services.redact_refusal(
            appeal=appeal,
            by=moderator,
            public_prompt_excerpt="a",
            public_refusal_excerpt="b",
            public_grounds="Call [redacted] on Tuesdays.",
        )
    appeal.refresh_from_db()
    assert appeal.status == "awaiting_review"
    page = client.get(appeal.get_absolute_url()).text
    assert "my sister Ada" not in page and "Call [redacted] on Tuesdays." in page
    assert appeal.events.filter(kind="redacted").count() == 1
