import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from ledger.checkpoints import add_cosignature, latest_checkpoint
from ledger.models import Witness
from ledger.notes import COSIGNATURE_V1, Verifier, cosign, generate_signer, site_signer
from tools import verify_record


@pytest.fixture(scope="session")
def record_signer():
    return generate_signer("testserver/record")


@pytest.fixture(autouse=True)
def record_key(settings, record_signer):
    """Every ledger test signs with one known key, whatever VAR_DIR holds."""
    settings.RECORD_SIGNING_KEY = str(record_signer)
    settings.SITE_URL = "http://testserver"
    site_signer.cache_clear()
    yield record_signer
    site_signer.cache_clear()


@pytest.fixture
def witness_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def witness(db, witness_key):
    public = witness_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    verifier = Verifier(name="witness.example.org/w1", algorithm=COSIGNATURE_V1, public_key=public)
    return Witness.objects.create(name=verifier.name, verifier_key=str(verifier), operator="Example Watch")


@pytest.fixture
def site_through_client(monkeypatch):
    """tools/verify_record.py reading the site through Django's test client, in-process: what it checks over HTTP,
    without a live server (tests/ledger/test_outside_checks.py runs it as a program against one)."""
    client = Client()

    def get(site, path_or_url: str) -> bytes:
        response = client.get(path_or_url.removeprefix(site.url))
        if response.status_code != 200:
            raise verify_record.Unreachable(f"GET {path_or_url} answered {response.status_code}")
        return response.content

    monkeypatch.setattr(verify_record.Site, "get", get)
    return verify_record


@pytest.fixture
def cosign_latest(witness, witness_key):
    """The registered witness cosigns the latest checkpoint."""

    def cosign_it():
        checkpoint = latest_checkpoint()
        line = cosign(checkpoint.text, name=witness.name, private_key=witness_key, timestamp=int(time.time()))
        add_cosignature(checkpoint=checkpoint, line=line)

    return cosign_it
