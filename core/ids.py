"""Reading row ids and sequence numbers from URLs and forms."""

MAX_ID_DIGITS = 18  # anything longer cannot be a row of a 64-bit key


def parse_id(value: str) -> int | None:
    """The whole number `value` spells in ASCII digits, or None for anything else (`²`, `-1`, `1.5`, 40 digits)."""
    if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS:
        return int(value)
    return None
