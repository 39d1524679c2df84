import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from ledger.checkpoints import publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Cosignature, Witness
from ledger.notes import cosign
from ledger.services import append

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint(db):
    for n in range(3):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n})
    return publish_checkpoint()


def cosignature(checkpoint, key, *, name="witness.example.org/w1", timestamp=None):
    return cosign(checkpoint.text, name=name, private_key=key, timestamp=timestamp or int(time.time()))


def post(size, line):
    return APIClient().post(f"/api/v1/record/checkpoints/{size}/cosignatures/", {"cosignature": line}, format="json")


def test_a_registered_witness_cosigns_and_the_note_carries_it(client, checkpoint, witness, witness_key):
    line = cosignature(checkpoint, witness_key)
    response = post(3, line)
    assert response.status_code == 201
    assert response.json()["note"] == checkpoint.note + line
    served = client.get("/record/checkpoint").content.decode()
    assert served == checkpoint.note + line


def test_a_witness_posting_twice_gets_its_first_cosignature_back(checkpoint, witness, witness_key):
    first = cosignature(checkpoint, witness_key, timestamp=1_700_000_000)
    post(3, first)
    response = post(3, cosignature(checkpoint, witness_key, timestamp=1_700_000_100))
    assert response.status_code == 200
    assert response.json()["note"].endswith(first)
    assert Cosignature.objects.count() == 1


def test_an_unregistered_witness_is_refused_with_403(checkpoint):
    response = post(3, cosignature(checkpoint, Ed25519PrivateKey.generate(), name="stranger.example/w"))
    assert response.status_code == 403
    assert "No active witness named stranger.example/w" in response.json()["detail"]
    assert not Cosignature.objects.exists()


def test_an_inactive_witness_is_refused_with_403(checkpoint, witness, witness_key):
    Witness.objects.filter(pk=witness.pk).update(active=False)
    assert post(3, cosignature(checkpoint, witness_key)).status_code == 403


def test_a_cosignature_by_the_wrong_key_is_a_400(checkpoint, witness):
    response = post(3, cosignature(checkpoint, Ed25519PrivateKey.generate()))
    assert response.status_code == 400
    assert "not a valid cosignature by witness.example.org/w1" in response.json()["detail"]
    assert not Cosignature.objects.exists()


def test_a_cosignature_of_another_checkpoint_is_a_400(checkpoint, witness, witness_key):
    line = cosignature(checkpoint, witness_key)
    append(kind=EntryKind.SCALE_FILLER, subject="thing:3", payload={"n": 0})
    publish_checkpoint()
    assert post(4, line).status_code == 400


@pytest.mark.parametrize(
    "line",
    [
        "",
        "hello",
        "— witness.example.org/w1 not-base64!",
        "- witness.example.org/w1 AAAAAAAA",
        "— witness.example.org/w1 (╯°□°）╯︵ ┻━┻",  # non-ASCII: base64 refuses it with a plain ValueError
    ],
)
def test_a_malformed_cosignature_is_a_400(checkpoint, witness, line):
    response = post(3, line)
    assert response.status_code == 400
    assert "cosignature" in response.json()["errors"]


def test_a_cosignature_dated_in_the_future_is_a_400(checkpoint, witness, witness_key):
    response = post(3, cosignature(checkpoint, witness_key, timestamp=int(time.time()) + 86400))
    assert response.status_code == 400
    assert "dated in the future" in response.json()["detail"]


def test_a_cosignature_of_an_unknown_checkpoint_is_a_404(checkpoint, witness, witness_key):
    assert post(99, cosignature(checkpoint, witness_key)).status_code == 404


def test_staff_register_a_witness_by_a_valid_key_only(witness):
    bad = Witness(verifier_key=witness.verifier_key.replace("+", "-", 1))
    with pytest.raises(ValidationError, match="verifier key"):
        bad.full_clean()


def test_a_cosignature_of_an_impossible_checkpoint_size_is_a_404(checkpoint, witness, witness_key):
    assert post("9" * 30, cosignature(checkpoint, witness_key)).status_code == 404
