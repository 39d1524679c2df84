"""Finding personal data in refusal excerpts, so a moderator can redact it before anything is public."""

import re

REDACTED = "[redacted]"

# Order matters: card-like numbers before phone numbers, links before emails inside them.
PATTERNS = [
    (
        "token_link",
        re.compile(
            r"https?://\S*?(?:[?&#](?:[\w-]*token|key|sig|signature|auth|session|code|secret|password|pwd)=[^\s&]+"
            r"|/[A-Za-z0-9_-]{24,})\S*",
            re.IGNORECASE,
        ),
    ),
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("card_number", re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")),
    ("phone_number", re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{6,18}\d(?!\d)")),
]

KIND_LABELS = {
    "token_link": "a link carrying a token",
    "email": "an email address",
    "card_number": "a card-like number",
    "phone_number": "a phone number",
}


DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def _looks_like_phone(match: str) -> bool:
    """Enough digits for a phone number, and not a date such as 2026-11-20 14."""
    if DATE_LIKE.search(match):
        return False
    digits = sum(ch.isdigit() for ch in match)
    return 9 <= digits <= 15 or (match.startswith("+") and digits >= 8)


def redact(text: str) -> tuple[str, list[str]]:
    """`text` with every detected piece of personal data replaced, and the kinds that were found."""
    found: list[str] = []

    for kind, pattern in PATTERNS:

        def replace(match, kind=kind):
            if kind == "phone_number" and not _looks_like_phone(match.group(0)):
                return match.group(0)
            if kind not in found:
                found.append(kind)
            return REDACTED

        text = pattern.sub(replace, text)
    return text, found
