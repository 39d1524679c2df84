"""Signed notes byte for byte as Go's golang.org/x/mod/sumdb/note makes them (vectors from its example_test.go)."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.notes import (
    COSIGNATURE_V1,
    NoteError,
    Verifier,
    cosign,
    generate_signer,
    parse_signature_line,
    parse_signer,
    parse_verifier,
    split_note,
    verify_cosignature,
    verify_note,
)

GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_SIGNED = (
    GO_TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_gives_the_bytes_go_gives():
    signer = parse_signer(GO_SKEY)
    assert str(signer.verifier) == GO_VKEY
    assert signer.sign(GO_TEXT) == GO_SIGNED
    assert str(signer) == GO_SKEY


def test_a_note_signed_by_go_verifies():
    assert verify_note(GO_SIGNED, parse_verifier(GO_VKEY)) == GO_TEXT


def test_a_changed_note_does_not_verify():
    with pytest.raises(NoteError, match="does not verify"):
        verify_note(GO_SIGNED.replace("answer", "Answer"), parse_verifier(GO_VKEY))


def test_a_note_signed_by_another_key_is_refused():
    other = generate_signer("PeterNeumann")
    with pytest.raises(NoteError, match="no signature of PeterNeumann"):
        verify_note(GO_SIGNED, other.verifier)


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VKEY[:-1],
        GO_VKEY.replace("c74f20a3", "c74f20a4"),
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "",
        "nonsense",
    ],
)
def test_a_mangled_verifier_key_is_refused(vkey):
    with pytest.raises(NoteError):
        parse_verifier(vkey)


def test_a_cosignature_verifies_with_the_witness_key_only():
    private = Ed25519PrivateKey.generate()
    text = "example.com/record\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    line = cosign(text, name="witness.example/w1", private_key=private, timestamp=1679315147)
    verifier = Verifier(name="witness.example/w1", algorithm=COSIGNATURE_V1, public_key=_raw(private))
    assert verify_cosignature(text, parse_signature_line(line), verifier)
    assert parse_verifier(str(verifier)) == verifier
    assert not verify_cosignature(text.replace("3", "4", 1), parse_signature_line(line), verifier)


def test_signature_lines_are_split_from_the_text():
    text, signatures = split_note(GO_SIGNED)
    assert text == GO_TEXT
    assert [signature.name for signature in signatures] == ["PeterNeumann"]
    assert signatures[0].key_id.hex() == "c74f20a3"


def _raw(private):
    from cryptography.hazmat.primitives import serialization

    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
