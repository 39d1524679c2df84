import time

import pytest

from ledger.checkpoints import add_cosignature, publish_checkpoint
from ledger.kinds import EntryKind
from ledger.notes import cosign, parse_verifier, verify_note
from ledger.services import append

pytestmark = pytest.mark.django_db


def test_the_key_is_served_as_a_verifier_key(client, record_key):
    response = client.get("/record/key")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert parse_verifier(response.content.decode()) == record_key.verifier
    assert "max-age=3600" in response["Cache-Control"]


def test_the_latest_checkpoint_is_served_as_a_signed_note(client, record_key):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    publish_checkpoint()
    append(kind=EntryKind.SCALE_FILLER, subject="thing:2", payload={"n": 0})
    publish_checkpoint()
    response = client.get("/record/checkpoint")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert verify_note(response.content.decode(), record_key.verifier).split("\n")[1] == "2"


def test_without_a_checkpoint_the_page_says_so(client):
    response = client.get("/record/checkpoint")
    assert (response.status_code, response.content) == (404, b"No checkpoint has been published yet.\n")


def test_checkpoints_are_listed_oldest_first_in_constant_queries(client, django_assert_max_num_queries):
    for n in range(3):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": 0})
        publish_checkpoint()
    with django_assert_max_num_queries(2):
        body = client.get("/api/v1/record/checkpoints/").json()
    assert [checkpoint["size"] for checkpoint in body["results"]] == [1, 2, 3]
    assert set(body["results"][0]) == {"size", "root_hash", "published_at", "note"}


def test_the_record_page_explains_how_to_check_it_with_the_key_and_checkpoint(client, record_key):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    checkpoint = publish_checkpoint()
    page = client.get("/record/").content.decode()
    assert "What it proves" in page and "Check it yourself" in page
    assert f"--key '{record_key.verifier}'" in page
    assert checkpoint.root_hash in page and "covering the first 1 entry:" in page


def test_the_record_page_names_the_witnesses_and_whether_they_cosigned(
    client, witness, witness_key, django_capture_on_commit_callbacks
):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    checkpoint = publish_checkpoint()
    assert "has not cosigned the current checkpoint yet" in client.get("/record/").content.decode()
    line = cosign(checkpoint.text, name=witness.name, private_key=witness_key, timestamp=int(time.time()))
    with django_capture_on_commit_callbacks(execute=True):  # the cached record page is renewed once it commits
        add_cosignature(checkpoint=checkpoint, line=line)
    page = client.get("/record/").content.decode()
    assert "witness.example.org/w1</strong>, run by Example Watch:\n          cosigned the current checkpoint" in page
    assert f"--witness '{witness.verifier_key}'" in page


def test_the_footer_promise_links_to_how_to_check(client):
    assert 'href="/record/#check">anyone can verify nothing was rewritten</a>' in client.get("/").content.decode()
