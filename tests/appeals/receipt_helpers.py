"""Keys and receipts for the refusal-receipt tests: receipts are issued by the companies' example itself
(docs/examples/issue_refusal_receipt.py), loaded from its file, or signed by hand for the malformed ones."""

import base64
import importlib.util
import json
import warnings
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from joserfc import jws
from joserfc.jwk import OKPKey

from appeals.services.system_keys import add_system_key

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "issue_refusal_receipt.py"


def load_example():
    """The example file's module, run as a company would import it."""
    spec = importlib.util.spec_from_file_location("issue_refusal_receipt", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def issue(private_key, *, kid="k1", system="acme/helper", clause="R-1.1", request=None) -> str:
    with warnings.catch_warnings():  # joserfc warns that RFC 9864 prefers the name Ed25519 to EdDSA
        warnings.simplefilter("ignore")
        return load_example().issue_refusal_receipt(private_key, kid=kid, system=system, clause=clause, request=request)


def register(system, publisher, *, kid="k1", private_key=None, valid_from=None, valid_until=None):
    """A key registered for `system` through the service: (private key, SystemKey)."""
    private_key = private_key or Ed25519PrivateKey.generate()
    raw = OKPKey.import_key(private_key).as_dict(private=False)["x"]
    public = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    valid_from = valid_from or timezone.now() - timedelta(days=30)
    key = add_system_key(
        by=publisher, system=system, kid=kid, public_key=public, valid_from=valid_from, valid_until=valid_until
    )
    return private_key, key


def sign(private_key, claims: dict, **header) -> str:
    """A token signed by hand, with the receipt header unless `header` says otherwise."""
    protected = {"alg": "Ed25519", "kid": "k1", "typ": "refusal-receipt+jwt", **header}
    payload = json.dumps(claims).encode()
    return jws.serialize_compact(protected, payload, OKPKey.import_key(private_key), algorithms=["Ed25519"])


def claims(**overrides) -> dict:
    values = {"iss": "acme/helper", "jti": "refusal-1", "iat": int(timezone.now().timestamp()) - 60, "clause": "R-1.1"}
    return {**values, **overrides}
