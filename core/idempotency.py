"""Exactly once: a POST sent again is answered with the first answer, never done twice.

Two kinds of POST carry a key that names "this one submission":
- every POST of the JSON API may send an `Idempotency-Key` header (IETF draft-ietf-httpapi-idempotency-key-header,
  as Stripe does): the same key from the same person (anonymous: the key alone) and the same request within
  24 hours answers the first response (status, body, Content-Type and Location) with `Idempotent-Replayed: true`;
  the same key with another method, address or body answers 422;
- every HTML form that creates something carries a one-time token (`{% once_field %}`, a signed random value in
  the hidden field `once`): a second submit of the same form with the same fields lands on the first's page.

How: before the view runs, a row for (scope, key) is inserted inside a transaction that also holds the view and the
stored answer, so the three commit together or not at all. A concurrent request with the same key blocks on the
unique constraint until the first commits (then it answers the stored response) or rolls back (then it runs
itself); it waits at most WAIT_SECONDS, then answers 409 with Retry-After. Only answers below 400 are kept: a
refusal, a validation error or a server error releases the key, so a retry after fixing the request runs again.
Keys older than IdempotencyKey.LIFETIME count as new and are deleted by core.tasks.expire_idempotency_keys.

A middleware rather than a mixin, so no POST view can forget it; it authenticates an API request with the API's
own authenticators to know whose key it is (the view authenticates again, and refuses as it always did).
"""

import contextlib
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.views import APIView

from core.middleware import refusal
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
FORM_FIELD = "once"
API_PREFIX = "/api/v1/"
KEY_MAX = 255
WAIT_SECONDS: float = 10
REPLAYED = "Idempotent-Replayed"
# What a replay repeats besides status and body; cookies, caching and security headers are the replay's own.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Location", "HX-Redirect", "HX-Location", "HX-Trigger")
# Printable ASCII, no quote or backslash: what an RFC 8941 sf-string may hold without escapes.
KEY_PATTERN = re.compile(r"[\x20-\x21\x23-\x5b\x5d-\x7e]+")
LOCK_NOT_AVAILABLE = "55P03"

KEY_EMPTY = f"The {HEADER} header is empty. Send a unique value (a UUID) for each new request, or no header."
KEY_TOO_LONG = f"The {HEADER} header is longer than {KEY_MAX} characters. A UUID is enough."
KEY_NOT_PRINTABLE = f"The {HEADER} header may hold printable ASCII only, without quotes or backslashes: use a UUID."
KEY_REUSED = (
    f"This {HEADER} was already used, within 24 hours, for a request with another method, address or body. "
    "Send a new key for a new request."
)
KEY_BUSY = f"A request with this {HEADER} is still running. Try again in a moment to get its answer."
FORGED_FORM = "This form was altered or comes from another site. Reload the page and send it again."
ALREADY_SENT = "You had already sent this; here is what it made."

FORM_SIGNER = signing.Signer(salt="core.idempotency.once")


def once_token() -> str:
    """A fresh one-time token for one rendering of a form: a random value, signed so a forged one is refused."""
    return FORM_SIGNER.sign(secrets.token_urlsafe(18))


def parse_key(raw: str) -> str:
    """The key of an Idempotency-Key header: a bare value, or an RFC 8941 sf-string ("...") as the draft writes it.

    Raises ValueError with the message a client is shown.
    """
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not value:
        raise ValueError(KEY_EMPTY)
    if len(value) > KEY_MAX:
        raise ValueError(KEY_TOO_LONG)
    if not KEY_PATTERN.fullmatch(value):
        raise ValueError(KEY_NOT_PRINTABLE)
    return value


class ExactlyOnceMiddleware:
    """Last in MIDDLEWARE, so the transaction it opens holds the view and nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            raw = request.headers.get(HEADER)
            if raw is None:
                return self.get_response(request)
            try:
                key = parse_key(raw)
            except ValueError as problem:
                return refusal(request, 400, str(problem))
            scope = _api_scope(request)
            if scope is None:  # bad credentials: the view refuses them, as without a key
                return self.get_response(request)
            return _exactly_once(request, self.get_response, scope=scope, key=key, fingerprint=_fingerprint(request))
        token = request.POST.get(FORM_FIELD)
        if not token:
            return self.get_response(request)
        try:
            rendering = FORM_SIGNER.unsign(token)
        except signing.BadSignature:
            return refusal(request, 400, FORGED_FORM)
        scope = f"form:{_person(request.user)}"
        # The same rendering sent with the same fields is one submission (a double click, a re-post); sent again
        # with other text (typed after going back to the page), it is another, never lost.
        fingerprint = _fingerprint(request)
        key = f"{rendering}:{fingerprint[:32]}"
        return _exactly_once(request, self.get_response, scope=scope, key=key, fingerprint=fingerprint)


def _person(user: Any) -> str:
    return f"person:{user.pk}" if user is not None and user.is_authenticated else "anonymous"


def _api_scope(request: HttpRequest) -> str | None:
    """Whose key it is, by the API's own authenticators (a token, or the session with its CSRF check)."""
    authenticators = [authenticator() for authenticator in APIView.authentication_classes]
    # DRF's Request writes the user it finds back onto the Django request (AnonymousUser when the session fails its
    # CSRF check), which would make the view's own authentication see no session and skip its refusal.
    unset = object()
    before = request.__dict__.get("user", unset)
    try:
        user = Request(request, authenticators=authenticators).user
    except APIException:
        return None
    finally:
        if before is unset:
            request.__dict__.pop("user", None)
        else:
            request.user = before
    return f"api:{_person(user)}"


def _fingerprint(request: HttpRequest) -> str:
    """A keyed hash of what makes two requests the same: method, address, and the body as the server reads it
    (JSON whatever its spacing and key order, multipart whatever its boundary). Keyed, so a stored fingerprint
    of a body holding a password cannot be searched offline."""
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type == "multipart/form-data":
        digest.update(json.dumps(sorted(request.POST.lists())).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(f"\n{name}={upload.name}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        body = request.body
        if request.content_type == "application/json":
            # Not JSON, or nested too deep to read: the view answers 400, and the raw bytes name the request.
            with contextlib.suppress(ValueError, RecursionError):
                body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        digest.update(body)
    return salted_hmac("core.idempotency.fingerprint", digest.hexdigest(), algorithm="sha256").hexdigest()


def _exactly_once(
    request: HttpRequest,
    get_response: Callable[[HttpRequest], HttpResponse],
    *,
    scope: str,
    key: str,
    fingerprint: str,
) -> HttpResponse:
    keys = IdempotencyKey.objects.filter(scope=scope, key=key)
    for _attempt in range(3):
        now = timezone.now()
        if earlier := keys.live(now).first():
            return _replay(request, earlier, fingerprint)
        keys.expired(now).delete()
        try:
            with transaction.atomic():
                claim = _claim(scope=scope, key=key, fingerprint=fingerprint)
                response = get_response(request)
                _keep_or_release(claim, response)
                return response
        except IntegrityError:
            continue  # a concurrent request with this key committed first: answer with its response
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            break
    busy = refusal(request, 409, KEY_BUSY)
    busy["Retry-After"] = "1"
    return busy


def _claim(*, scope: str, key: str, fingerprint: str) -> IdempotencyKey:
    """Insert the key's row; with the same key uncommitted elsewhere, wait for that transaction (at most
    WAIT_SECONDS) and raise IntegrityError if it committed."""
    with connection.cursor() as cursor:
        wait = f"{round(WAIT_SECONDS * 1000)}ms"
        cursor.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)", [wait])
        (previous, _) = cursor.fetchone()
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(scope=scope, key=key, fingerprint=fingerprint)
        # The view's own lock waits keep the server's timeout.
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    return claim


def _keep_or_release(claim: IdempotencyKey, response: HttpResponse) -> None:
    if connection.needs_rollback:
        return  # the view left the transaction broken: it rolls back, claim and all
    if response.status_code >= 400 or response.streaming:
        claim.delete()
        return
    claim.status = response.status_code
    claim.headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    claim.body = response.content
    claim.save(update_fields=["status", "headers", "body"])


def _replay(request: HttpRequest, earlier: IdempotencyKey, fingerprint: str) -> HttpResponse:
    if earlier.fingerprint != fingerprint:
        return refusal(request, 422, KEY_REUSED)
    response = HttpResponse(bytes(earlier.body), status=earlier.status)
    if "Location" in earlier.headers:
        # A redirect to follow, as the first one was (the test client, for one, reads its `url`).
        response = HttpResponseRedirect(earlier.headers["Location"], content=bytes(earlier.body))
        response.status_code = earlier.status or response.status_code
    for name, value in earlier.headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    if not request.path.startswith(API_PREFIX) and 300 <= response.status_code < 400:
        messages.info(request, ALREADY_SENT)
    return response
