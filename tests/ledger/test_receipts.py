"""Receipts: each submission's record entry, its inclusion proof and a signed checkpoint, as a c2sp.org/tlog-proof file
that tools/verify_record.py checks offline and again later against the site."""

import base64
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from consultation.services import comments
from consultation.services.opinions import submit_statement
from consultation.services.suggestions import make_suggestion
from core import scheduler
from ledger.checkpoints import checkpoint_text, publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Checkpoint, Entry, PendingReceipt
from ledger.notes import sign_note
from ledger.receipt_mail import send_due_receipts
from ledger.services import append
from tests.appeals.factories import AISystemFactory, decided, published_guideline
from tests.consultation.factories import consultation
from tests.factories import UserFactory
from tools import verify_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(citizen, organization):
    return comments.post_comment(version=consultation(organization), body="Too broad.", by=citizen)


def entry_of(comment) -> Entry:
    return Entry.objects.get(kind=EntryKind.COMMENT_POSTED, subject=comment.subject)


def download(client, comment) -> str:
    response = client.get(f"/record/entries/{entry_of(comment).seq}/receipt")
    assert response.status_code == 200, response.content
    return response.content.decode()


def verify(tools, tmp_path, text: str, record_key, *extra: str) -> int:
    path = tmp_path / "entry.tlog-proof"
    path.write_text(text)
    return tools.main(["receipt", str(path), "--key", str(record_key.verifier), *extra])


def test_a_receipt_downloads_once_a_checkpoint_covers_the_entry(client, comment):
    publish_checkpoint()
    response = client.get(f"/record/entries/{entry_of(comment).seq}/receipt")
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="who-decides-entry-{entry_of(comment).seq}.tlog-proof"'
    )
    text = response.content.decode()
    header, extra, index = text.split("\n")[:3]
    assert (header, index) == ("c2sp.org/tlog-proof@v1", f"index {entry_of(comment).seq - 1}")
    served = client.get("/api/v1/record/").json()["results"]
    assert json.loads(base64.b64decode(extra.removeprefix("extra "))) in served  # the entry as the API serves it
    assert text.endswith(Checkpoint.objects.get().cosigned_note())


def test_before_a_checkpoint_the_receipt_says_when_it_will_be_ready(client, comment):
    response = client.get(f"/record/entries/{entry_of(comment).seq}/receipt")
    assert response.status_code == 404
    assert "not covered by a signed checkpoint yet" in response.content.decode()
    assert "within 1 minute" in response.content.decode()
    assert client.get("/record/entries/999/receipt").status_code == 404


def test_the_comment_page_links_its_receipt_once_ready(client, comment, django_capture_on_commit_callbacks):
    page = client.get(comment.get_absolute_url()).content.decode()
    assert "Download the receipt" not in page
    assert f"as entry #{entry_of(comment).seq} of the" in page and "when the next checkpoint is signed" in page
    with django_capture_on_commit_callbacks(execute=True):  # the checkpoint renews the cached page that said "not yet"
        publish_checkpoint()
    page = client.get(comment.get_absolute_url()).content.decode()
    assert f'href="/record/entries/{entry_of(comment).seq}/receipt" download>Download the receipt</a>' in page


def test_the_api_gives_each_comment_its_receipt_url(client, comment):
    url = f"/api/v1/guidelines/{comment.version.guideline.organization.slug}/{comment.version.guideline.slug}"
    url += f"/versions/{comment.version.number}/comments/"
    assert client.get(url).json()["results"][0]["receipt"] is None
    publish_checkpoint()
    receipt = client.get(url).json()["results"][0]["receipt"]
    assert receipt == f"http://testserver/record/entries/{entry_of(comment).seq}/receipt"


def test_an_appeal_and_its_decision_each_have_a_receipt(client, citizen, organization, moderator):
    guideline = published_guideline(organization)
    appeal = decided(citizen, AISystemFactory(organization=organization), guideline, moderator)
    publish_checkpoint()
    filed = Entry.objects.get(kind=EntryKind.APPEAL_FILED).seq
    decided_seq = Entry.objects.get(kind=EntryKind.APPEAL_DECIDED).seq
    body = client.get(f"/api/v1/appeals/{appeal.public_id}/").json()
    assert body["receipt"].endswith(f"/record/entries/{filed}/receipt")
    assert body["decision"]["receipt"].endswith(f"/record/entries/{decided_seq}/receipt")
    assert client.get("/api/v1/decisions/").json()["results"][0]["receipt"] == body["decision"]["receipt"]
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert f"/record/entries/{filed}/receipt" in page and f"/record/entries/{decided_seq}/receipt" in page


def test_the_submitter_is_emailed_the_receipt_once(comment, citizen):
    assert send_due_receipts() == 0  # no checkpoint yet
    publish_checkpoint()
    assert send_due_receipts() == 1
    assert send_due_receipts() == 0 and not PendingReceipt.objects.exists()
    [message] = mail.outbox
    assert message.to == [citizen.email] and f"entry #{entry_of(comment).seq}" in message.subject
    name, content, mimetype = message.attachments[0]
    assert name == f"who-decides-entry-{entry_of(comment).seq}.tlog-proof" and mimetype == "text/plain"
    assert content.startswith("c2sp.org/tlog-proof@v1\n")


def test_a_receipt_waits_for_the_witnesses_a_while(comment, witness, cosign_latest, settings):
    publish_checkpoint()
    assert send_due_receipts() == 0  # the active witness has not cosigned yet
    cosign_latest()
    assert send_due_receipts() == 1
    assert "— witness.example.org/w1 " in mail.outbox[0].attachments[0][1]


def test_a_receipt_goes_without_cosignature_after_the_wait(comment, witness, settings):
    publish_checkpoint()
    assert send_due_receipts() == 0
    waited = timezone.now() - timedelta(seconds=settings.RECEIPT_COSIGNATURE_WAIT_SECONDS + 1)
    PendingReceipt.objects.update(requested_at=waited)
    assert send_due_receipts() == 1
    assert "— witness.example.org/w1 " not in mail.outbox[0].attachments[0][1]


def test_the_verifier_checks_a_receipt_offline(client, comment, record_key, tmp_path, capsys, cosign_latest, witness):
    publish_checkpoint()
    cosign_latest()
    assert (
        verify(verify_record, tmp_path, download(client, comment), record_key, "--witness", witness.verifier_key) == 0
    )
    out = capsys.readouterr().out
    assert f"OK: receipt of entry #{entry_of(comment).seq} (comment.posted comment:{comment.pk}" in out
    assert "cosigned by witness.example.org/w1" in out


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (lambda lines: _edit_entry(lines, subject="comment:999"), "does not match its hash: its contents were altered"),
        (lambda lines: lines.__setitem__(2, "index 99") or lines, "but entry #"),
        (lambda lines: _flip_root(lines), "does not verify"),
    ],
)
def test_a_tampered_receipt_names_what_is_wrong(client, comment, record_key, tmp_path, capsys, tamper, named):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 1})  # so the proof has a hash in it
    publish_checkpoint()
    lines = download(client, comment).split("\n")
    assert verify(verify_record, tmp_path, "\n".join(tamper(lines)), record_key, "--no-witness") == 1
    assert named in capsys.readouterr().err


def _edit_entry(lines: list[str], **changes) -> list[str]:
    entry = json.loads(base64.b64decode(lines[1].removeprefix("extra ")))
    lines[1] = "extra " + base64.b64encode(json.dumps({**entry, **changes}).encode()).decode()
    return lines


def _flip_root(lines: list[str]) -> list[str]:
    root = lines.index("") + 3  # origin, size, root after the blank line
    lines[root] = base64.b64encode(bytes(32)).decode()
    return lines


def test_a_receipt_is_checked_again_against_a_newer_checkpoint(
    client, comment, record_key, tmp_path, capsys, site_through_client
):
    publish_checkpoint()
    text = download(client, comment)
    for n in range(3):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n})
    publish_checkpoint()
    state = tmp_path / "state.json"
    args = ["--no-witness", "--site", "http://testserver", "--state", str(state)]
    assert verify(site_through_client, tmp_path, text, record_key, *args) == 0
    assert "current checkpoint of 4 entries still contains it (consistency proof)" in capsys.readouterr().out
    assert "checkpoint" in json.loads(state.read_text())


def test_a_forked_newer_checkpoint_fails_the_receipt(
    client, comment, record_key, tmp_path, capsys, site_through_client, monkeypatch
):
    publish_checkpoint()
    text = download(client, comment)
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 1})
    # The site signs a tree of 2 entries that does not start with the one the receipt holds: a fork.
    forked = sign_note(checkpoint_text(size=2, root=bytes(32)))
    real_get = site_through_client.Site.get
    monkeypatch.setattr(
        site_through_client.Site,
        "get",
        lambda site, path: forked.encode() if path == "/record/checkpoint" else real_get(site, path),
    )
    args = ["--no-witness", "--site", "http://testserver"]
    assert verify(site_through_client, tmp_path, text, record_key, *args) == 1
    assert "does not extend your receipt's" in capsys.readouterr().err


@pytest.mark.parametrize("seq", ["0", "99999999999999999999999"])
def test_no_receipt_for_an_entry_that_cannot_exist(client, seq):
    assert client.get(f"/record/entries/{seq}/receipt").status_code == 404


def test_a_suggestion_and_a_shown_statement_offer_their_receipts(client, citizen, publisher, organization):
    version = consultation(organization)
    clause = version.clauses.first()
    suggestion = make_suggestion(version=version, clause=clause, kind="delete", reason="Too broad.", by=citizen)
    submit_statement(version=version, text="Refusals should cite the clause.", by=publisher)  # seeded: shown at once
    publish_checkpoint()
    made = Entry.objects.get(kind=EntryKind.SUGGESTION_MADE).seq
    submitted = Entry.objects.get(kind=EntryKind.STATEMENT_SUBMITTED).seq
    assert f"/record/entries/{made}/receipt" in client.get(suggestion.get_absolute_url()).content.decode()
    opinions = client.get(f"{version.get_absolute_url()}opinions/").content.decode()
    assert f'<a href="/record/entries/{submitted}/receipt" download' in opinions
    api = f"/api/v1/guidelines/acme/{version.guideline.slug}/versions/{version.number}/"
    assert client.get(f"{api}suggestions/").json()["results"][0]["receipt"].endswith(f"/entries/{made}/receipt")
    assert client.get(f"{api}statements/").json()["results"][0]["receipt"].endswith(f"/entries/{submitted}/receipt")
    assert PendingReceipt.objects.filter(person=citizen, seq=made).exists()
    assert PendingReceipt.objects.filter(person=publisher, seq=submitted).exists()


def test_a_backlog_of_receipts_is_mailed_one_batch_per_run_and_the_rest_by_the_scheduler(
    organization, settings, mailoutbox
):
    settings.RECEIPT_BATCH_SIZE, settings.CELERY_BROKER_URL = 2, ""
    scheduler.InProcessBeat({}).run_next_batches()  # nothing left over from another test
    version = consultation(organization)
    for number in range(5):
        comments.post_comment(version=version, body=f"Comment {number}.", by=UserFactory())
    publish_checkpoint()

    assert send_due_receipts() == 2
    assert PendingReceipt.objects.count() == 3
    beat = scheduler.InProcessBeat({})
    assert [beat.run_next_batches() for _ in range(3)] == [1, 1, 0]
    assert len(mailoutbox) == 5 and not PendingReceipt.objects.exists()
