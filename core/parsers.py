"""The API's JSON parser: DRF's, refusing bodies no real client sends before a view or serializer sees them."""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from core.middleware import UNSTORABLE, UNSTORABLE_MESSAGE

# Far deeper than any request of this API (statements: {key: {comments: [ids]}} is four levels).
MAX_DEPTH = 16
TOO_DEEP_MESSAGE = f"The JSON is nested too deeply (at most {MAX_DEPTH} levels)."


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(TOO_DEEP_MESSAGE) from error
        check_json(data)
        return data


def check_json(data: object) -> None:
    """Walked without recursion, so a deep body cannot exhaust the stack here either; errors name the top field."""
    pending: list[tuple[object, int, str]] = [(data, 1, "non_field_errors")]
    while pending:
        value, depth, field = pending.pop()
        if depth > MAX_DEPTH:
            raise ParseError(TOO_DEEP_MESSAGE)
        if isinstance(value, dict):
            for key, item in value.items():
                if UNSTORABLE.search(key):
                    raise ValidationError({field: [UNSTORABLE_MESSAGE]})
                name = key if depth == 1 else field
                pending.append((item, depth + 1, name))
        elif isinstance(value, list):
            pending += [(item, depth + 1, field) for item in value]
        elif isinstance(value, str) and UNSTORABLE.search(value):
            raise ValidationError({field: [UNSTORABLE_MESSAGE]})
