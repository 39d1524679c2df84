"""tools/verify_record.py's witness policy: at least K of the given witnesses (or a c2sp.org/tlog-policy file) must
cosign, and checking without witnesses takes --no-witness and says what it cannot see."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.checkpoints import publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Witness
from ledger.notes import COSIGNATURE_V1, Verifier
from ledger.services import append
from tools.receipts import PolicyError, parse_policy

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


@pytest.fixture
def second_witness(db):
    public = Ed25519PrivateKey.generate().public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    verifier = Verifier(name="watch.example.net/w2", algorithm=COSIGNATURE_V1, public_key=raw)
    return Witness.objects.create(name=verifier.name, verifier_key=str(verifier))


@pytest.fixture
def cosigned_by_one(witness, second_witness, cosign_latest):
    """A record of two entries whose checkpoint the first witness cosigned and the second did not."""
    for n in range(2):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n})
    publish_checkpoint()
    cosign_latest()


def check(tools, record_key, *options: str) -> int:
    return tools.main([SITE, "--key", str(record_key.verifier), *options])


def test_one_of_two_witnesses_meets_a_quorum_of_one(site_through_client, record_key, cosigned_by_one, capsys):
    keys = ["--witness", Witness.objects.get(name="witness.example.org/w1").verifier_key]
    keys += ["--witness", Witness.objects.get(name="watch.example.net/w2").verifier_key]
    assert check(site_through_client, record_key, *keys) == 0
    assert "cosigned by witness.example.org/w1." in capsys.readouterr().out
    assert check(site_through_client, record_key, *keys, "--quorum", "2") == 1
    error = capsys.readouterr().err
    assert "Checkpoint 2 is not cosigned as your witness policy requires (2 of (witness.example.org/w1" in error
    assert "Witness watch.example.net/w2 has not cosigned checkpoint 2." in error


def test_a_missing_cosignature_fails(site_through_client, record_key, cosigned_by_one, capsys):
    only_second = Witness.objects.get(name="watch.example.net/w2").verifier_key
    assert check(site_through_client, record_key, "--witness", only_second) == 1
    assert "Witness watch.example.net/w2 has not cosigned checkpoint 2." in capsys.readouterr().err


def test_without_a_witness_the_verifier_refuses_to_guess(site_through_client, record_key, cosigned_by_one):
    with pytest.raises(SystemExit, match="No witness is configured.*--no-witness"):
        check(site_through_client, record_key)
    with pytest.raises(SystemExit, match="from 1 to the number of witnesses given"):
        check(site_through_client, record_key, "--witness", Witness.objects.first().verifier_key, "--quorum", "2")


def test_no_witness_says_what_it_cannot_detect(site_through_client, record_key, cosigned_by_one, capsys):
    assert check(site_through_client, record_key, "--no-witness") == 0
    assert "a split view goes unnoticed" in capsys.readouterr().err


def test_a_tlog_policy_file_sets_the_quorum(site_through_client, record_key, cosigned_by_one, tmp_path, capsys):
    first, second = (w.verifier_key for w in Witness.objects.order_by("name").reverse())
    policy = tmp_path / "policy.txt"
    lines = (
        f"# ours\nlog {record_key.verifier}\nwitness A {first}\nwitness B {second}\ngroup both {{}} A B\nquorum both\n"
    )
    policy.write_text(lines.format("any"))
    assert check(site_through_client, record_key, "--policy", str(policy)) == 0
    policy.write_text(lines.format("all"))
    assert check(site_through_client, record_key, "--policy", str(policy)) == 1
    assert "(2 of (A, B))" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("witness A k\n", "no quorum line"),
        ("quorum A\n", "which no earlier line defines"),
        ("witness A k\ngroup g 3 A\nquorum g\n", "a number from 1 to 1"),
        ("witness A k\nwitness A j\nquorum A\n", "A is already defined"),
        ("witness A k\nsomething else\nquorum A\n", "policy line 2 is not a log, witness, group or quorum line"),
    ],
)
def test_a_malformed_policy_is_named_by_its_line(text, named):
    with pytest.raises(PolicyError, match=named):
        parse_policy(text)


def test_the_state_file_is_replaced_whole(site_through_client, record_key, cosigned_by_one, tmp_path):
    state = tmp_path / "state.json"
    assert check(site_through_client, record_key, "--no-witness", "--state", str(state)) == 0
    assert json.loads(state.read_text())["checkpoint"].startswith("testserver/record\n2\n")
    assert [path.name for path in tmp_path.iterdir()] == ["state.json"]  # no temporary file left beside it
