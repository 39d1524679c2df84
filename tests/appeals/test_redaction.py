import pytest

from appeals.redaction import redact


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
