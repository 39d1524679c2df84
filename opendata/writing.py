"""Writing an export: each dataset streamed row by row into gzip'd JSONL and CSV, then datapackage.json that
describes them, SHA256SUMS and its signed note.

Rows go from a chunked database cursor through gzip into a temporary file, and from there to the storage
in chunks, so memory stays flat however large the tables are.
"""

import gzip
import hashlib
import json
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from core.streaming import csv_lines
from ledger.checkpoints import latest_checkpoint, publish_checkpoint
from ledger.models import Checkpoint, canonical_json
from ledger.notes import sign_note
from opendata import files
from opendata.datasets import DATASETS, Dataset
from opendata.files import SUMS, SUMS_NOTE, Export, PublishedFile
from opendata.package import write_data_package
from opendata.tiles import write_tiles

FORMATS = ("jsonl", "csv")
# Lines gathered before each write to gzip: fewer, larger writes are quicker, and a batch is still small.
BATCH = 500


def export_open_data() -> Export | None:
    """Write every dataset for the latest checkpoint, once: an export already written is returned unchanged.

    A checkpoint is published first when the record grew since the last, so the files match the record as it
    is now. A checkpoint's files are immutable (served with a year's Cache-Control), so running the export
    again for the same checkpoint writes nothing. None when the record is empty: there is nothing to match.
    """
    checkpoint = publish_checkpoint() or latest_checkpoint()
    if checkpoint is None:
        return None
    done = files.export_at(checkpoint.size)
    if done:
        return done
    with _snapshot():
        written = [write_dataset(dataset, fmt, checkpoint) for dataset in DATASETS for fmt in FORMATS]
    written.append(write_data_package(written, checkpoint))
    export = Export(
        tree_size=checkpoint.size,
        root_hash=checkpoint.root_hash,
        exported_at=timezone.now(),
        files=(*written, *_write_sums(written, checkpoint)),
    )
    write_tiles(checkpoint)
    files.publish(export)
    return export


@contextmanager
def _snapshot():
    """One view of every table for the whole export, so the files agree with each other."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def file_name(dataset: Dataset, fmt: str) -> str:
    return f"{dataset.name}.{fmt}.gz"


def write_dataset(dataset: Dataset, fmt: str, checkpoint: Checkpoint) -> PublishedFile:
    counted = _Counted(dataset.rows(checkpoint.size))
    lines = _jsonl(dataset, checkpoint, counted) if fmt == "jsonl" else _csv(dataset, checkpoint, counted)
    name = file_name(dataset, fmt)
    size, sha256 = write_gzip(files.path_of(checkpoint.size, name), lines)
    return PublishedFile(name=name, format=fmt, bytes=size, sha256=sha256, dataset=dataset.name, rows=counted.count)


def _header(dataset: Dataset, checkpoint: Checkpoint) -> dict:
    return {"dataset": dataset.name, "checkpoint": {"tree_size": checkpoint.size, "root_hash": checkpoint.root_hash}}


def _jsonl(dataset: Dataset, checkpoint: Checkpoint, rows: Iterable[dict]) -> Iterator[str]:
    """The first line names the dataset and the checkpoint; every other line is one row."""
    yield json.dumps({**_header(dataset, checkpoint), "fields": dataset.field_names}) + "\n"
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _csv(dataset: Dataset, checkpoint: Checkpoint, rows: Iterable[dict]) -> Iterator[str]:
    """A first line starting with # names the checkpoint (skip it when reading); then the header and rows."""
    yield f"# {dataset.name} at checkpoint tree size {checkpoint.size} root hash {checkpoint.root_hash}\r\n"
    names = dataset.field_names
    yield from csv_lines(header=names, rows=([_cell(row[name]) for name in names] for row in rows))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and not any(isinstance(item, dict) for item in value):
        return " ".join(str(item) for item in value)
    if isinstance(value, list | dict):  # a list of objects, like an object, is its canonical JSON text
        return canonical_json(value)
    return value


class _Counted:
    def __init__(self, rows: Iterable[dict]):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[dict]:
        for row in self.rows:
            self.count += 1
            yield row


class _Hashing:
    """A write-only file that hashes what passes through it."""

    def __init__(self, raw, digest):
        self.raw, self.digest = raw, digest

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def write_gzip(path: str, lines: Iterable[str]) -> tuple[int, str]:
    """Compress the lines into a file at path in the storage; its size and SHA-256.

    The gzip header carries no name and no time, so the same rows always give the same bytes.
    """
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as spool:
        with gzip.GzipFile(filename="", mode="wb", fileobj=_Hashing(spool, digest), compresslevel=6, mtime=0) as out:
            batch = []
            for line in lines:
                batch.append(line)
                if len(batch) >= BATCH:
                    out.write("".join(batch).encode())
                    batch.clear()
            out.write("".join(batch).encode())
        size = spool.tell()
        spool.seek(0)
        files.replace(path, File(spool))
    return size, digest.hexdigest()


def sums_text(written: list[PublishedFile]) -> str:
    """One line per file in the format sha256sum -c reads, and nothing else."""
    return "".join(f"{item.sha256}  {item.name}\n" for item in sorted(written, key=lambda item: item.name))


def sums_note_text(written: list[PublishedFile], checkpoint: Checkpoint) -> str:
    """The signed note's text: what it is, the checkpoint, then the lines of SHA256SUMS."""
    host = urlsplit(settings.SITE_URL).netloc
    return f"{host}/data\ncheckpoint {checkpoint.size} {checkpoint.root_hash}\n{sums_text(written)}"


def _write_sums(written: list[PublishedFile], checkpoint: Checkpoint) -> tuple[PublishedFile, PublishedFile]:
    note = sign_note(sums_note_text(written, checkpoint))
    return _write_text(SUMS, "sums", sums_text(written), checkpoint), _write_text(SUMS_NOTE, "note", note, checkpoint)


def _write_text(name: str, fmt: str, text: str, checkpoint: Checkpoint) -> PublishedFile:
    content = text.encode()
    files.replace(files.path_of(checkpoint.size, name), content)
    return PublishedFile(name=name, format=fmt, bytes=len(content), sha256=hashlib.sha256(content).hexdigest())
