import base64

import pytest
from rest_framework.test import APIClient

from ledger.kinds import EntryKind
from ledger.selectors import consistency_proof, inclusion_proof, root_at
from ledger.services import append

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(db):
    for n in range(7):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n})


def b64(hashes):
    return [base64.b64encode(value).decode() for value in hashes]


def test_an_inclusion_proof_is_served_in_base64_and_cached_for_good(seven):
    response = APIClient().get("/api/v1/record/3/proof/", {"size": "5"})
    assert response.status_code == 200
    assert response.json() == {
        "seq": 3,
        "leaf_index": 2,
        "size": 5,
        "root_hash": b64([root_at(5)])[0],
        "hashes": b64(inclusion_proof(seq=3, size=5)),
    }
    assert "immutable" in response["Cache-Control"]


def test_a_consistency_proof_is_served_in_base64(seven):
    response = APIClient().get("/api/v1/record/consistency/", {"from": "3", "to": "7"})
    assert response.json() == {"from": 3, "to": 7, "hashes": b64(consistency_proof(old=3, new=7))}
    assert APIClient().get("/api/v1/record/consistency/", {"from": "7", "to": "7"}).json()["hashes"] == []


@pytest.mark.parametrize(
    "size, message",
    [
        ("0", "size: Ensure this value is greater than or equal to 1."),
        ("8", "size: The record has only 7 entries."),
        ("2", "size: Entry #3 is not in a tree of that size."),
        ("abc", "size: A valid integer is required."),
        ("1\x00", "size: This contains a NUL byte or an invalid character. Remove it and try again."),
        ("²", "size: A valid integer is required."),
        ("9" * 40, "size: A valid integer is required."),
        ("", "size: A valid integer is required."),
    ],
)
def test_a_bad_proof_size_is_a_clear_400(seven, size, message):
    response = APIClient().get("/api/v1/record/3/proof/", {"size": size})
    assert response.status_code == 400
    assert response.json()["detail"] == message


def test_a_proof_without_a_size_or_of_entry_zero_is_a_clear_400(seven):
    assert APIClient().get("/api/v1/record/3/proof/").json()["errors"] == {"size": ["This field is required."]}
    response = APIClient().get("/api/v1/record/0/proof/", {"size": "5"})
    assert (response.status_code, response.json()["detail"]) == (400, "seq: Give the seq of an entry: 1 or more.")


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "5", "to": "3"}, "from"),
        ({"from": "0", "to": "3"}, "from"),
        ({"from": "1", "to": "8"}, "to"),
        ({"from": "x", "to": "3"}, "from"),
        ({"from": "1", "to": "\x00"}, "to"),
        ({"to": "3"}, "from"),
    ],
)
def test_bad_consistency_sizes_are_a_clear_400(seven, params, field):
    response = APIClient().get("/api/v1/record/consistency/", params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_proofs_of_an_empty_record_are_refused_clearly(db):
    response = APIClient().get("/api/v1/record/1/proof/", {"size": "1"})
    assert response.json()["errors"] == {"size": ["The record has only 0 entries."]}


def test_the_schema_documents_the_record_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ["/api/v1/record/{seq}/proof/", "/api/v1/record/consistency/", "/api/v1/record/checkpoints/"]:
        assert path in schema
    assert "Entry 3 in the tree of 5 entries" in schema


def test_a_proof_of_an_entry_beyond_the_tree_is_a_clear_400(seven):
    response = APIClient().get(f"/api/v1/record/{'9' * 30}/proof/", {"size": "7"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("size: Entry #999")
