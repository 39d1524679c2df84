"""Someone with the database rewrites the record; the site's own check and an outsider's both notice.

Each case saves an outsider's state first (a run of tools/verify_record.py against the live server), then tampers
with the rows behind the application's back, with PostgreSQL's append-only triggers switched off as an intruder
with the database owner's rights could.
"""

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from ledger.checkpoints import publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Cosignature, Witness
from ledger.services import append

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = ["ledger_entry", "ledger_treenode", "ledger_checkpoint", "ledger_cosignature", "ledger_head"]


@pytest.fixture
def saved_state(live_server, record_key, tmp_path):
    for n in range(5):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n})
    publish_checkpoint()
    state = tmp_path / "state.json"
    assert outsider(live_server, record_key, state).returncode == 0
    return state


def tool(name: str, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(settings.BASE_DIR / "tools" / name), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def outsider(live_server, record_key, state) -> subprocess.CompletedProcess:
    key = ["--key", str(record_key.verifier), "--no-witness"]
    return tool("verify_record.py", live_server.url, *key, "--state", str(state))


def tamper(*statements: str) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for statement in statements:
            cursor.execute(statement)
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def caught(live_server, record_key, state, inside: str, outside: str) -> None:
    with pytest.raises(CommandError, match=inside):
        call_command("verify_record")
    result = outsider(live_server, record_key, state)
    assert result.returncode == 1
    assert outside in result.stderr


def test_an_altered_payload_is_caught(live_server, record_key, saved_state):
    tamper("UPDATE ledger_entry SET payload = '{\"n\":99}' WHERE seq = 3")
    message = "Entry #3 is bad: its contents do not match its hash"
    caught(live_server, record_key, saved_state, message, message)


def test_a_time_moved_by_a_microsecond_is_caught(live_server, record_key, saved_state):
    tamper("UPDATE ledger_entry SET at = at + interval '1 microsecond' WHERE seq = 2")
    message = "Entry #2 is bad: its contents do not match its hash"
    caught(live_server, record_key, saved_state, message, message)


def test_a_deleted_middle_entry_is_caught(live_server, record_key, saved_state):
    tamper("DELETE FROM ledger_entry WHERE seq = 3")
    message = "Entry #4 is bad: expected entry #3 here"
    caught(live_server, record_key, saved_state, message, message)


def test_a_dropped_tail_is_caught(live_server, record_key, saved_state):
    tamper("DELETE FROM ledger_entry WHERE seq > 3")
    inside = r"Entry #4 is bad: it is missing: checkpoint 5 was signed, so entries #4 to #5 were removed"
    caught(live_server, record_key, saved_state, inside, "The site serves 3 entries but signed a checkpoint of 5")


def test_truncation_is_refused_and_caught(live_server, record_key, saved_state):
    refused = pytest.raises(Exception, match="never rewritten: TRUNCATE")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ledger.allow_truncate = 'off'")
        cursor.execute("TRUNCATE ledger_entry")
    tamper("TRUNCATE ledger_entry")
    inside = r"Entry #1 is bad: it is missing: checkpoint 5 was signed"
    caught(live_server, record_key, saved_state, inside, "The site serves 0 entries but signed a checkpoint of 5")


def test_two_reordered_entries_are_caught(live_server, record_key, saved_state):
    tamper(
        "UPDATE ledger_entry SET seq = -2 WHERE seq = 2",
        "UPDATE ledger_entry SET seq = 2 WHERE seq = 3",
        "UPDATE ledger_entry SET seq = 3 WHERE seq = -2",
    )
    message = "Entry #2 is bad: its prev_hash"
    caught(live_server, record_key, saved_state, message, message)


def test_a_consistently_rewritten_and_re_signed_record_is_caught_only_by_the_saved_checkpoint(
    live_server, record_key, saved_state, capsys
):
    tamper(*(f"DELETE FROM {table}" for table in reversed(TABLES)))
    for n in range(6):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n, "rewritten": True})
    publish_checkpoint()

    call_command("verify_record")
    assert "6 entries verified" in capsys.readouterr().out
    result = outsider(live_server, record_key, saved_state)
    assert result.returncode == 1
    assert "from your saved checkpoint (5 entries) to the current one (6) does not verify" in result.stderr
    assert "history was rewritten" in result.stderr


def test_a_witness_refuses_to_cosign_a_rewritten_record(live_server, record_key, saved_state, tmp_path):
    key_file, state = tmp_path / "witness.key", tmp_path / "witness.json"
    vkey = tool("witness.py", "--generate", "witness.example.org/w1", "--signing-key", str(key_file)).stdout.strip()
    Witness.objects.create(name="witness.example.org/w1", verifier_key=vkey)
    args = [live_server.url, "--key", str(record_key.verifier), "--signing-key", str(key_file), "--state", str(state)]
    assert tool("witness.py", *args).returncode == 0
    tamper(*(f"DELETE FROM {table}" for table in reversed(TABLES)))
    for n in range(6):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n, "rewritten": True})
    publish_checkpoint()

    result = tool("witness.py", *args)
    assert result.returncode == 1
    assert "REFUSING TO COSIGN. THE LOG FORKED OR REWROTE HISTORY" in result.stderr
    assert not Cosignature.objects.exists()
