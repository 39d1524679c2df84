# The files are matched to a checkpoint signed with the record's key: the same known key as the ledger's tests.
from tests.ledger.conftest import record_key, record_signer  # noqa: F401
