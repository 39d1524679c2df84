"""Issue a refusal receipt for Who Decides: pip install cryptography joserfc (the site uses joserfc 1.8.0)."""

import hashlib
import json
import time
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwt
from joserfc.jwk import OKPKey


def issue_refusal_receipt(
    private_key: Ed25519PrivateKey, *, kid: str, system: str, clause: str, request: str | None = None
) -> str:
    """A receipt for a refusal now, under `clause`, by `system` ("<organization>/<system>"), signed with the key
    registered as `kid`. Hand it to the person refused, with the link https://<site>/appeals/new/?receipt=<it>."""
    claims = {
        "iss": system,
        "jti": str(uuid.uuid4()),  # the refusal id: unique per system, one appeal each
        "iat": int(time.time()),  # when the system refused
        "clause": clause,  # the clause key the refusal cited
    }
    if request is not None:  # optional: binds the receipt to the refused request without revealing it
        claims["request_sha256"] = hashlib.sha256(request.encode()).hexdigest()
    header = {"alg": "EdDSA", "kid": kid, "typ": "refusal-receipt+jwt"}
    return jwt.encode(header, claims, OKPKey.import_key(private_key), algorithms=["EdDSA"])


if __name__ == "__main__":
    key = Ed25519PrivateKey.generate()  # in production: load it from your key store
    public_jwk = OKPKey.import_key(key).as_dict(private=False)
    print("Register this public key (JWK) for your system:", json.dumps(public_jwk))
    print(issue_refusal_receipt(key, kid="2026-12", system="acme/helper", clause="R-1.1", request="the prompt"))
