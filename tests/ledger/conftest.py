import pytest

from ledger.notes import generate_signer, site_signer


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
