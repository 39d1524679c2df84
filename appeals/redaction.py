"""Finding personal data in refusal excerpts, so a moderator can redact it before anything is public.

Each kind has a loose pattern that finds candidates and a check that confirms them (a valid phone number for the
region, a Luhn checksum, an IBAN checksum, a parseable IP address), so ordinary numbers are left alone. The site's
own identifiers (appeal ids, clause keys, dates, version numbers) are never redacted.
"""

import ipaddress
import re
from collections.abc import Callable, Iterator

import phonenumbers
from stdnum import iban, luhn
from stdnum.us import ssn

REDACTED = "[redacted]"

# Numbers written without a country code are read as numbers of these countries, the ones the site serves.
PHONE_REGIONS = ("GB", "US")

KIND_LABELS = {
    "token_link": "a link carrying a token",
    "email": "an email address",
    "iban": "a bank account number (IBAN)",
    "card_number": "a card-like number",
    "national_id": "a national identity number",
    "ip_address": "an IP address",
    "phone_number": "a phone number",
}

TOKEN_LINK = re.compile(
    r"https?://\S*?(?:[?&#](?:[\w-]*token|key|sig|signature|auth|session|code|secret|password|pwd)=[^\s&]+"
    r"|/[A-Za-z0-9_-]{24,})\S*",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
US_SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
# HMRC's rules: no D, F, I, Q, U or V in either prefix letter, no O second, and a suffix of A to D.
UK_NINO = re.compile(r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")

# The site's own identifiers, which look like numbers but are never personal data.
PROTECTED = re.compile(
    r"\bA-\d{4}-\d{6}\b"  # appeal ids
    r"|\b[A-Z]{1,3}-\d+(?:\.\d+)*\b"  # clause keys such as
    r"|\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?"  # ISO dates and times
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"  # written dates
    r"|\b[Vv](?:ersion)? ?\d+(?:\.\d+)+\b"  # version numbers
)

Span = tuple[int, int]


def _matches(pattern: re.Pattern, check: Callable[[str], bool] = lambda _: True) -> Callable[[str], Iterator[Span]]:
    def find(text: str) -> Iterator[Span]:
        return (m.span() for m in pattern.finditer(text) if check(m.group(0)))

    return find


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _is_card(text: str) -> bool:
    digits = _digits(text)
    return 13 <= len(digits) <= 19 and luhn.is_valid(digits)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _phone_numbers(text: str) -> Iterator[Span]:
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            yield match.start, match.end


# Order matters: links before the emails inside them, account and card numbers before the phone numbers they hold.
DETECTORS: list[tuple[str, Callable[[str], Iterator[Span]]]] = [
    ("token_link", _matches(TOKEN_LINK)),
    ("email", _matches(EMAIL)),
    ("iban", _matches(IBAN, lambda s: iban.is_valid(s))),
    ("card_number", _matches(CARD, _is_card)),
    ("national_id", _matches(US_SSN, lambda s: ssn.is_valid(s))),
    ("national_id", _matches(UK_NINO)),
    ("ip_address", _matches(IPV4, _is_ip)),
    ("ip_address", _matches(IPV6, lambda s: s.count(":") >= 2 and _is_ip(s))),
    ("phone_number", _phone_numbers),
]


def redact(text: str) -> tuple[str, list[str]]:
    """`text` with every detected piece of personal data replaced, and the kinds that were found."""
    found: list[str] = []
    for kind, detect in DETECTORS:
        protected = [m.span() for m in PROTECTED.finditer(text)]
        spans = sorted(
            {
                (start, end)
                for start, end in detect(text)
                if not any(start < p_end and p_start < end for p_start, p_end in protected)
            }
        )
        kept: list[Span] = []
        for span in spans:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        for start, end in reversed(kept):
            text = text[:start] + REDACTED + text[end:]
        if kept and kind not in found:
            found.append(kind)
    return text, found
