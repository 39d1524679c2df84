"""Carrying an appeal's answers through its check page: the answers and the attachments' references travel signed
(django.core.signing) in hidden fields, and the attachments themselves wait, checked, in the private storage.

A pending file is stored under a random name in `PENDING_DIR`; only its signed reference (bound to the person and
at most `PENDING_MAX_AGE` old) can bring it back, and no view serves that folder. `delete_stale` removes what was
never filed (the beat runs it); a filed appeal's pending files are deleted as it is filed."""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appeals.attachments import check_uploads, stored_name
from appeals.models import private_storage

PENDING_DIR = "pending-appeals"
PENDING_MAX_AGE = timedelta(days=1)
ANSWERS_SALT = "appeals.filing.answers"
ALTERED = (
    "These answers were altered, belong to someone else or are more than a day old. Nothing was filed: start again."
)


def sign(*, by: int, where: str, data: dict[str, list[str]], files: list[dict]) -> str:
    """The answers (each field's values), the address they were given at and the pending files, signed for `by`."""
    return signing.dumps({"by": by, "where": where, "data": data, "files": files}, salt=ANSWERS_SALT, compress=True)


def unsign(token: str, *, by: int, where: str) -> tuple[dict[str, list[str]], list[dict]]:
    """The answers and pending files of a signed token; ValidationError(ALTERED) if it was changed, is someone
    else's, was made for other earlier answers (the address) or has outlived its pending files."""
    try:
        carried = signing.loads(token, salt=ANSWERS_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature as error:
        raise ValidationError(ALTERED) from error
    if carried.get("by") != by or carried.get("where") != where:
        raise ValidationError(ALTERED)
    return carried["data"], carried["files"]


def keep(uploads) -> list[dict]:
    """Check each upload as filing does and store it as pending: the references to sign, or ValidationError naming
    every file refused (then nothing is stored)."""
    references = []
    for upload, mime in check_uploads(uploads):
        upload.seek(0)
        content = upload.read()  # what check_upload kept: an image is re-encoded
        path = private_storage().save(f"{PENDING_DIR}/{stored_name(mime)}", ContentFile(content))
        references.append({"path": path, "name": (upload.name or "file")[:200], "size": len(content), "mime": mime})
    return references


def reopen(references: list[dict]) -> list[SimpleUploadedFile]:
    """The pending files as uploads again, for the filing service (which checks them once more)."""
    storage = private_storage()
    uploads = []
    for reference in references:
        if not reference["path"].startswith(f"{PENDING_DIR}/") or not storage.exists(reference["path"]):
            raise ValidationError(ALTERED)
        with storage.open(reference["path"]) as pending:
            uploads.append(SimpleUploadedFile(reference["name"], pending.read(), reference["mime"]))
    return uploads


def discard(references: list[dict]) -> None:
    storage = private_storage()
    for reference in references:
        if reference["path"].startswith(f"{PENDING_DIR}/"):
            storage.delete(reference["path"])


def delete_stale(now=None) -> int:
    """Delete the pending files older than PENDING_MAX_AGE (their signed references have expired too): how many."""
    storage = private_storage()
    if not storage.exists(PENDING_DIR):
        return 0
    cutoff = (now or timezone.now()) - PENDING_MAX_AGE
    deleted = 0
    for name in storage.listdir(PENDING_DIR)[1]:
        path = f"{PENDING_DIR}/{name}"
        if storage.get_modified_time(path) < cutoff:
            storage.delete(path)
            deleted += 1
    return deleted
