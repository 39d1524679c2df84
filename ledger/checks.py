from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from ledger.notes import NoteError, parse_signer


@register()
def record_signing_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Without a key the record's checkpoints cannot be signed, so /record/ and the beat task would fail later."""
    if settings.RECORD_SIGNING_KEY:
        try:
            parse_signer(settings.RECORD_SIGNING_KEY)
        except NoteError as error:
            return [Error(f"RECORD_SIGNING_KEY cannot be used: {error}", id="ledger.E002")]
        return []
    if settings.RECORD_GENERATED_KEY_PATH is None:
        hint = "Run manage.py record_key and set RECORD_SIGNING_KEY or RECORD_SIGNING_KEY_FILE."
        return [Error("RECORD_SIGNING_KEY must be set when DEBUG is off.", hint=hint, id="ledger.E001")]
    return []
