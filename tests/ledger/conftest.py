import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.models import Witness
from ledger.notes import COSIGNATURE_V1, Verifier, generate_signer, site_signer


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
