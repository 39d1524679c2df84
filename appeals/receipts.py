"""Refusal receipts: statements an AI system signs when it refuses, which an appellant brings to prove the refusal.

A receipt is a JWS in compact serialization signed with Ed25519 (RFC 8037; docs/explanations/refusal-receipts.md
says why JWS and not the record's C2SP signed notes). Its protected header names the algorithm (`EdDSA`, or the
fully-specified `Ed25519` of RFC 9864), the key (`kid`) and the type (`refusal-receipt+jwt`, so that no other token
the same key signs can pass for a receipt); its payload is a JSON object of claims:

    iss             the system, "<organization>/<system>" (AISystem.issuer)
    jti             the refusal id, unique per system: one receipt files one appeal
    iat             when the system refused, in seconds since 1970 (a JWT NumericDate)
    clause          the key of the clause the refusal cited, such as R-4.2
    request_sha256  optional: the SHA-256 of the refused request, 64 hexadecimal digits

`verify_receipt` is the one check, for the filing pages and the API alike; it raises ValidationError with a
reason a person can act on, and reads the database only to find the key.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from appeals.models import CLAUSE_KEY_MAX, CLOCK_SKEW, RECEIPT_MAX, REFUSAL_ID_MAX, AISystem, SystemKey

RECEIPT_TYPE = "refusal-receipt+jwt"
ALGORITHMS = ["EdDSA", "Ed25519"]  # both mean Ed25519 here: every registered key is an Ed25519 key
COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")

MALFORMED = (
    "This is not a refusal receipt: a receipt is one line of three parts separated by dots, as the system gave it. "
    "Paste it whole, or upload the file it came in."
)


@dataclass(frozen=True)
class VerifiedReceipt:
    token: str
    key: SystemKey
    refusal_id: str
    refused_at: datetime
    clause: str
    request_sha256: str

    @property
    def system(self) -> AISystem:
        return self.key.system


def verify_receipt(token: str, *, now: datetime | None = None) -> VerifiedReceipt:
    """The receipt's facts once its signature, its key's validity at its time and its claims are checked; or
    ValidationError(code=...) saying which check failed: malformed, unknown_key, key_not_valid, forged, claims."""
    token = token.strip()
    if not token:
        raise ValidationError("Paste a refusal receipt, or upload the file it came in.", code="malformed")
    if len(token) > RECEIPT_MAX or not COMPACT_JWS.fullmatch(token):
        raise ValidationError(MALFORMED, code="malformed")
    header, claims = _unverified_parts(token)
    key = _key(claims.get("iss"), header.get("kid"))
    try:
        jws.deserialize_compact(
            token, OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": key.public_key}), algorithms=ALGORITHMS
        )
    except JoseError as error:
        raise ValidationError(
            f"The signature of this receipt does not match {key.system.name}'s key {key.kid}: it was altered or "
            "forged. Nothing was filed.",
            code="forged",
        ) from error
    refused_at = datetime.fromtimestamp(claims["iat"], tz=UTC)
    if refused_at > (now or timezone.now()) + CLOCK_SKEW:
        raise ValidationError("This receipt is dated in the future.", code="claims")
    if not key.is_valid_at(refused_at):
        raise ValidationError(_not_valid_then(key, refused_at), code="key_not_valid")
    return VerifiedReceipt(
        token=token,
        key=key,
        refusal_id=claims["jti"],
        refused_at=refused_at,
        clause=claims["clause"],
        request_sha256=claims.get("request_sha256", ""),
    )


def _unverified_parts(token: str) -> tuple[dict, dict]:
    """The header and claims before the signature is checked: only to find the key and to judge their shape."""
    try:
        compact = jws.extract_compact(token.encode())
        header, claims = compact.headers(), json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeDecodeError) as error:
        raise ValidationError(MALFORMED, code="malformed") from error
    if not isinstance(claims, dict) or header.get("typ") != RECEIPT_TYPE or header.get("alg") not in ALGORITHMS:
        raise ValidationError(
            f"This token is not a refusal receipt: its header must name the type {RECEIPT_TYPE} and the algorithm "
            "EdDSA.",
            code="malformed",
        )
    problems = [name for name, fits in _CLAIM_RULES.items() if not fits(claims.get(name))]
    if "request_sha256" in claims and not _is_sha256(claims["request_sha256"]):
        problems.append("request_sha256")
    if problems:
        raise ValidationError(
            f"This receipt's {', '.join(problems)} {'is' if len(problems) == 1 else 'are'} missing or malformed.",
            code="claims",
        )
    return header, claims


def _is_text(limit: int):
    return lambda value: isinstance(value, str) and 0 < len(value) <= limit


def _is_sha256(value) -> bool:
    return isinstance(value, str) and bool(SHA256_HEX.fullmatch(value))


_CLAIM_RULES = {
    "iss": _is_text(200),
    "jti": _is_text(REFUSAL_ID_MAX),
    "iat": lambda value: isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**37,
    "clause": _is_text(CLAUSE_KEY_MAX),
}


def _key(issuer, kid) -> SystemKey:
    organization, _, system = issuer.partition("/")
    key = (
        SystemKey.objects.select_related("system__organization")
        .filter(system__organization__slug=organization, system__slug=system, kid=kid)
        .first()
        if isinstance(kid, str)
        else None
    )
    if key is None:
        raise ValidationError(
            f"No key {str(kid)[:64]!r} is registered for the system {issuer[:120]!r}, so this receipt cannot be "
            "checked. Ask the organization to register the key it signs receipts with.",
            code="unknown_key",
        )
    return key


def _not_valid_then(key: SystemKey, refused_at: datetime) -> str:
    when = date_format(refused_at, "j F Y, H:i e")
    if refused_at < key.valid_from:
        start = date_format(key.valid_from, "j F Y, H:i e")
        return f"Key {key.kid} of {key.system.name} was not yet valid on {when} (it is valid from {start})."
    end = date_format(key.valid_until, "j F Y, H:i e") if key.valid_until else ""
    return f"Key {key.kid} of {key.system.name} was retired on {end}: it cannot prove a refusal of {when}."
