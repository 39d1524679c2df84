"""tools/verify_record.py and tools/witness.py run as an outsider would: as programs, against a live server."""

import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.conf import settings

from ledger import services
from ledger.checkpoints import publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Witness
from ledger.notes import generate_signer
from ledger.services import append

pytestmark = pytest.mark.django_db(transaction=True)


def record(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n, "text": "café — ünïcode"})


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(settings.BASE_DIR / "tools" / tool), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def verify(live_server, record_key, state, *extra):
    witnesses = extra if "--witness" in extra else ("--no-witness", *extra)
    return run(
        "verify_record.py", live_server.url, "--key", str(record_key.verifier), "--state", str(state), *witnesses
    )


def test_the_verifier_checks_every_entry_against_the_signed_checkpoint(live_server, record_key, tmp_path):
    record(5)
    publish_checkpoint()
    result = verify(live_server, record_key, tmp_path / "state.json")
    assert result.returncode == 0, result.stderr
    assert "OK: 5 entries, hash chain intact, Merkle root matches the checkpoint of 5" in result.stdout
    assert "checked 5 of 5+ entries" in result.stderr


def test_the_verifier_proves_the_record_only_grew_since_last_time(live_server, record_key, tmp_path):
    record(5)
    publish_checkpoint()
    verify(live_server, record_key, tmp_path / "state.json")
    record(4, start=5)
    publish_checkpoint()
    result = verify(live_server, record_key, tmp_path / "state.json")
    assert result.returncode == 0, result.stderr
    assert "checkpoint of 9" in result.stdout and "consistent with your saved checkpoint of 5" in result.stdout


def test_the_verifier_notes_an_entry_of_a_kind_the_record_does_not_declare(
    live_server, record_key, tmp_path, monkeypatch
):
    # As a site newer than this checkout would write it: its hashes check, and its kind is pointed out.
    monkeypatch.setattr(services, "check_payload", lambda kind, payload: SimpleNamespace(value=kind))
    append(kind="comment.liked", subject="comment:1", payload={})
    publish_checkpoint()
    result = verify(live_server, record_key, tmp_path / "state.json")
    assert result.returncode == 0, result.stderr
    assert "Note: Entry #1: 'comment.liked' is not a kind of entry the record declares" in result.stderr
    assert "Entries not of the record's declared vocabulary: 1" in result.stdout


def test_the_verifier_refuses_a_checkpoint_signed_by_another_key(live_server, tmp_path, record_key):
    record(2)
    publish_checkpoint()
    other_key = str(generate_signer("testserver/record").verifier)
    result = run("verify_record.py", live_server.url, "--key", other_key, "--no-witness")
    assert result.returncode == 1
    assert "Checkpoint 2 is not signed by testserver/record with the key you gave" in result.stderr


def test_a_witness_cosigns_and_the_verifier_checks_its_cosignature(live_server, record_key, tmp_path):
    key_file = tmp_path / "witness.key"
    vkey = run("witness.py", "--generate", "witness.example.org/w1", "--signing-key", str(key_file)).stdout.strip()
    Witness.objects.create(name="witness.example.org/w1", verifier_key=vkey)
    record(3)
    publish_checkpoint()
    args = [live_server.url, "--key", str(record_key.verifier), "--signing-key", str(key_file)]
    result = run("witness.py", *args, "--state", str(tmp_path / "witness.json"))
    assert result.returncode == 0, result.stderr
    assert "OK: cosigned checkpoint 3 of testserver/record as witness.example.org/w1" in result.stdout
    checked = verify(live_server, record_key, tmp_path / "state.json", "--witness", vkey)
    assert checked.returncode == 0, checked.stderr
    assert "cosigned by witness.example.org/w1" in checked.stdout


def test_the_verifier_fails_when_a_named_witness_did_not_cosign(live_server, record_key, tmp_path):
    key_file = tmp_path / "witness.key"
    vkey = run("witness.py", "--generate", "witness.example.org/w1", "--signing-key", str(key_file)).stdout.strip()
    record(1)
    publish_checkpoint()
    result = verify(live_server, record_key, tmp_path / "state.json", "--witness", vkey)
    assert result.returncode == 1
    assert "Witness witness.example.org/w1 has not cosigned checkpoint 1" in result.stderr
