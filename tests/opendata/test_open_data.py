import gzip
import hashlib
import json
import tracemalloc
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals import services as appeals
from consultation.models import GuidelineVersion
from ledger.checkpoints import latest_checkpoint, publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Checkpoint, Entry
from ledger.notes import site_signer, verify_note
from ledger.services import append
from opendata.datasets import DATASETS
from opendata.files import latest_export, open_data_storage, path_of
from opendata.tasks import export_open_data as export_open_data_task
from opendata.writing import export_open_data, write_dataset
from tests.appeals.factories import AISystemFactory, decided, file, published_guideline
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import ClauseFactory, GuidelineVersionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def open_data_root(settings, tmp_path):
    location = tmp_path / "open-data"
    settings.STORAGES = {
        **settings.STORAGES,
        "open_data": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.APPEALS_PER_DAY = 1000
    return location


def stored(done, name: str) -> bytes:
    with open_data_storage().open(path_of(done.tree_size, name), "rb") as handle:
        return handle.read()


def rows(done, dataset: str) -> list[dict]:
    header, *lines = gzip.decompress(stored(done, f"{dataset}.jsonl.gz")).decode().splitlines()
    assert json.loads(header)["checkpoint"] == {"tree_size": done.tree_size, "root_hash": done.root_hash}
    return [json.loads(line) for line in lines]


def csv_text(done, dataset: str) -> str:
    return gzip.decompress(stored(done, f"{dataset}.csv.gz")).decode()


def test_the_data_page_says_when_nothing_is_exported_yet(client):
    response = client.get(reverse("open-data"))
    assert response.status_code == 200
    assert "No files have been written yet" in response.text
    assert "Keys of the clauses the appeal contests" in response.text


def test_every_dataset_is_written_as_jsonl_and_csv_for_the_latest_checkpoint():
    for n in range(3):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n})
    done = export_open_data()
    checkpoint = latest_checkpoint()
    assert (done.tree_size, done.root_hash) == (checkpoint.size, checkpoint.root_hash) == (3, checkpoint.root_hash)
    names = {item.name for item in done.files}
    assert {"decisions.csv.gz", "appeals.jsonl.gz", "clauses.csv.gz", "record.jsonl.gz", "SHA256SUMS"} <= names
    assert len(names) == 2 * len(DATASETS) + 3  # JSONL and CSV of each, datapackage.json, SHA256SUMS and its note
    assert [row["payload"] for row in rows(done, "record")] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert csv_text(done, "record").startswith(f"# record at checkpoint tree size 3 root hash {done.root_hash}\r\n")


def test_sha256sums_covers_every_file_and_is_signed_with_the_record_key():
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    done = export_open_data()
    text = verify_note(stored(done, "SHA256SUMS.note").decode(), site_signer().verifier)
    origin, checkpoint, *sums = text.splitlines()
    assert checkpoint == f"checkpoint {done.tree_size} {done.root_hash}"
    assert len(sums) == 2 * len(DATASETS) + 1  # and datapackage.json
    assert stored(done, "SHA256SUMS").decode().splitlines() == sums
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(stored(done, name)).hexdigest() == digest == done.file(name).sha256


def test_exporting_the_same_checkpoint_twice_writes_nothing_new(open_data_root):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    first = export_open_data()
    written = sorted((path.name, path.stat().st_mtime_ns) for path in open_data_root.rglob("*"))
    again = export_open_data()
    assert again == first
    assert sorted((path.name, path.stat().st_mtime_ns) for path in open_data_root.rglob("*")) == written


def test_a_grown_record_is_exported_under_a_new_checkpoint():
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    first = export_open_data()
    append(kind=EntryKind.SCALE_FILLER, subject="thing:2", payload={"n": 0})
    second = export_open_data()
    assert (first.tree_size, second.tree_size) == (1, 2)
    assert latest_export() == second
    assert len(rows(first, "record")) == 1 and len(rows(second, "record")) == 2


def test_the_same_rows_always_give_the_same_bytes():
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 1, "text": "é"})
    checkpoint = publish_checkpoint()
    record = DATASETS[-1]
    assert write_dataset(record, "jsonl", checkpoint) == write_dataset(record, "jsonl", checkpoint)


def test_appeals_carry_only_what_their_public_page_shows(organization, citizen, moderator):
    guideline, system = published_guideline(organization), AISystemFactory(organization=organization, slug="helper")
    screened = file(citizen, system, guideline, prompt_excerpt="My name is Ada, dosage?", grounds="Private grounds")
    appeals.redact_refusal(
        appeal=screened,
        by=moderator,
        public_prompt_excerpt="My name is [redacted], dosage?",
        public_refusal_excerpt="I can't help.",
        public_grounds="Public grounds",
    )
    appeals.admit_appeal(appeal=screened, by=moderator)
    unscreened = file(citizen, system, guideline, prompt_excerpt="Unscreened prompt")
    done = export_open_data()
    by_id = {row["id"]: row for row in rows(done, "appeals")}
    assert by_id[screened.public_id]["prompt_excerpt"] == "My name is [redacted], dosage?"
    assert by_id[screened.public_id]["grounds"] == "Public grounds"
    assert by_id[unscreened.public_id]["prompt_excerpt"] is None
    assert by_id[screened.public_id]["contested_clauses"] == ["R-1.1"]
    everything = gzip.decompress(stored(done, "appeals.jsonl.gz")) + gzip.decompress(stored(done, "appeals.csv.gz"))
    for private in [b"Ada", b"Private grounds", b"Unscreened prompt", citizen.email.encode()]:
        assert private not in everything


def test_an_appellant_is_named_only_when_they_chose_to_show_their_name(organization, moderator):
    guideline, system = published_guideline(organization), AISystemFactory(organization=organization)
    shown = file(UserFactory(display_name="Shown Person"), system, guideline, show_name=True)
    hidden = file(UserFactory(display_name="Hidden Person"), system, guideline)
    by_id = {row["id"]: row["appellant"] for row in rows(export_open_data(), "appeals")}
    assert by_id == {shown.public_id: "Shown Person", hidden.public_id: None}


def test_decisions_list_the_clauses_they_cite(organization, citizen, moderator):
    guideline, system = published_guideline(organization), AISystemFactory(organization=organization)
    appeal = decided(citizen, system, guideline, moderator)
    done = export_open_data()
    [row] = rows(done, "decisions")
    assert (row["appeal"], row["outcome"], row["cited_clauses"]) == (appeal.public_id, "overturned", ["R-1.1"])
    assert f"{appeal.public_id},acme,{guideline.slug},1," in csv_text(done, "decisions")


def test_hidden_comments_are_tombstones_without_text_or_author(organization):
    version = consultation(organization)
    CommentFactory(version=version, body="Visible", author__display_name="Vera Visible")
    CommentFactory(version=version, body="Secret text", author__display_name="Hal Hidden", status="hidden")
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    done = export_open_data()
    assert [(row["body"], row["author"]) for row in rows(done, "comments")][0] == ("Visible", "Vera Visible")
    everything = gzip.decompress(stored(done, "comments.jsonl.gz")) + gzip.decompress(stored(done, "comments.csv.gz"))
    assert b"Secret text" not in everything and b"Hal Hidden" not in everything


def test_draft_versions_are_not_exported(organization):
    published = published_guideline(organization)
    draft = GuidelineVersionFactory(guideline=published, number=2, status=GuidelineVersion.DRAFT, published_at=None)
    ClauseFactory(version=draft, key="R-9.1", heading="=Draft only")
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    done = export_open_data()
    assert [row["version"] for row in rows(done, "guideline-versions")] == [1]
    assert {row["key"] for row in rows(done, "clauses")} == {"R-1.1", "R-2.1", "R-3.1"}
    assert b"Draft only" not in gzip.decompress(stored(done, "clauses.csv.gz"))


def test_csv_files_quote_formulas_and_jsonl_keeps_the_text(organization):
    version = consultation(organization)
    ClauseFactory(version=version, key="R-7.1", heading="=HYPERLINK(1)", position=9)
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    done = export_open_data()
    assert rows(done, "clauses")[-1]["heading"] == "=HYPERLINK(1)"
    assert ",R-7.1,'=HYPERLINK(1)," in csv_text(done, "clauses")


def test_memory_stays_flat_while_exporting_50000_rows():
    at = timezone.now() - timedelta(days=1)
    Entry.objects.bulk_create(
        Entry(
            seq=n,
            at=at,
            kind=EntryKind.SCALE_FILLER,
            subject=f"row:{n}",
            payload="{}",
            prev_hash=f"{n:064x}",
            hash=f"{-n:064x}",
        )
        for n in range(1, 50_001)
    )
    tracemalloc.start()
    written = write_dataset(DATASETS[-1], "csv", Checkpoint(size=50_000, root_hash="AAAA"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert written.rows == 50_000
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_the_data_page_lists_files_with_size_date_checksum_and_fields(client):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    done = export_open_data()
    page = client.get(reverse("open-data")).text
    for item in done.files:
        assert reverse("open-data-file", args=[done.tree_size, item.name]) in page
        assert item.sha256 in page or not item.dataset  # the package and the checksums are above the tables
    assert "SHA-256 of prev_hash followed by the canonical JSON" in page
    assert done.root_hash in page


def test_files_are_served_with_a_long_immutable_cache(client):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    done = export_open_data()
    response = client.get(reverse("open-data-file", args=[done.tree_size, "record.csv.gz"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == done.file("record.csv.gz").sha256


@pytest.mark.parametrize("size, name", [(1, "manifest.json"), (1, "nothing.csv.gz"), (2, "record.csv.gz")])
def test_files_outside_an_export_are_404(client, size, name):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    export_open_data()
    assert client.get(reverse("open-data-file", args=[size, name])).status_code == 404


def test_any_storage_backend_holds_the_files(settings, client):
    settings.STORAGES = {**settings.STORAGES, "open_data": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    done = export_open_data()
    response = client.get(reverse("open-data-file", args=[done.tree_size, "SHA256SUMS.note"]))
    assert response.status_code == 200 and f"checkpoint 1 {done.root_hash}" in b"".join(response).decode()
    assert done.file("record.csv.gz").sha256 in client.get(reverse("open-data")).text


def test_the_command_and_the_nightly_task_export_once(settings, capsys):
    assert settings.CELERY_BEAT_SCHEDULE["export-open-data"]["task"] == "opendata.tasks.export_open_data"
    call_command("export_open_data")
    assert "The record is empty" in capsys.readouterr().out
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    call_command("export_open_data")
    assert "Open data for checkpoint 1" in capsys.readouterr().out
    assert export_open_data_task.delay().get() == 1


def test_reading_the_rows_takes_the_same_queries_for_one_row_or_many(organization, citizen, moderator):
    guideline, system = published_guideline(organization), AISystemFactory(organization=organization)
    decided(citizen, system, guideline, moderator, handle="one")
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            for dataset in DATASETS:
                list(dataset.rows(1000))
        counts.append(len(queries))
        decided(citizen, system, guideline, moderator, handle=f"more-{len(counts)}")
        file(citizen, system, guideline)
    assert counts[0] == counts[1]


def test_an_inadmissible_appeal_shows_its_public_note(organization, citizen, moderator):
    guideline, system = published_guideline(organization), AISystemFactory(organization=organization)
    appeal = file(citizen, system, guideline)
    appeals.declare_inadmissible(appeal=appeal, by=moderator, reason="duplicate", public_note="Filed twice.")
    [row] = rows(export_open_data(), "appeals")
    assert (row["status"], row["inadmissible_reason"], row["public_note"]) == (
        "inadmissible",
        "duplicate",
        "Filed twice.",
    )
