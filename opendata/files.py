"""Where the open data lives: the storage, and the manifest of each export that /data/ lists.

Each export is a folder named after the tree size of its checkpoint, written once and never changed;
its manifest.json is written last, so a folder without one is an export that did not finish.
"""

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
# The checksums as a signed note (made with the record's key), beside SHA256SUMS so that `sha256sum -c` reads that
# one cleanly.
SUMS_NOTE = "SHA256SUMS.note"
PACKAGE = "datapackage.json"
TEXT = "text/plain; charset=utf-8"
CONTENT_TYPES = {
    "jsonl": "application/gzip",
    "csv": "application/gzip",
    "sums": TEXT,
    "note": TEXT,
    "datapackage": "application/json",
}


def open_data_storage() -> Storage:
    return storages["open_data"]


@dataclass(frozen=True)
class PublishedFile:
    name: str
    format: str
    bytes: int
    sha256: str
    dataset: str = ""
    rows: int | None = None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


@dataclass(frozen=True)
class Export:
    tree_size: int
    root_hash: str
    exported_at: datetime
    files: tuple[PublishedFile, ...]

    def file(self, name: str) -> PublishedFile | None:
        return next((item for item in self.files if item.name == name), None)

    def files_of(self, dataset: str) -> list[PublishedFile]:
        return [item for item in self.files if item.dataset == dataset]

    @property
    def sums(self) -> PublishedFile | None:
        return self.file(SUMS)

    @property
    def sums_note(self) -> PublishedFile | None:
        return self.file(SUMS_NOTE)

    @property
    def package(self) -> PublishedFile | None:
        return self.file(PACKAGE)

    def to_json(self) -> str:
        data = asdict(self)
        data["exported_at"] = self.exported_at.isoformat()
        return json.dumps(data, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Export":
        data = json.loads(text)
        return cls(
            tree_size=data["tree_size"],
            root_hash=data["root_hash"],
            exported_at=datetime.fromisoformat(data["exported_at"]),
            files=tuple(PublishedFile(**item) for item in data["files"]),
        )


def path_of(tree_size: int, name: str) -> str:
    return f"{tree_size}/{name}"


def _read(name: str) -> str | None:
    storage = open_data_storage()
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        return handle.read().decode()


def export_at(tree_size: int) -> Export | None:
    text = _read(path_of(tree_size, MANIFEST))
    return Export.from_json(text) if text else None


def latest_export() -> Export | None:
    try:
        folders = open_data_storage().listdir("")[0]
    except FileNotFoundError:  # nothing was ever written
        return None
    for tree_size in sorted((int(folder) for folder in folders if folder.isdigit()), reverse=True):
        if export := export_at(tree_size):
            return export
    return None


def replace(name: str, content: bytes | File) -> None:
    """Write a file under exactly this name: storages that keep both would otherwise rename the new one."""
    storage = open_data_storage()
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, content if isinstance(content, File) else ContentFile(content))


def publish(export: Export) -> None:
    replace(path_of(export.tree_size, MANIFEST), export.to_json().encode())
