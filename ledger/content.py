"""Served texts bound to the record: which entry carries the hash of which text, and the check that they agree.

The ledger sits below the apps whose texts it binds, so each app hands its sources to `provide_bound_texts` in its
AppConfig.ready() (consultation: comments, suggestions, statements, answers, close-outs; appeals: decisions and
responses; audits: reports and responses). `check_served_texts` then reads every source, finds the entry that
published each object and compares the hash it carries with the hash of the text the site serves now: a row edited
behind the application's back (raw SQL, a restored backup) is named. docs/reference/record-format.md has the table.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ledger.kinds import EntryKind

# Names of mismatches kept and shown: enough to act on, never a page of thousands.
MAX_NAMED = 100


def text_sha256(text: str | bytes) -> str:
    """The hash a binding entry carries: SHA-256 of the served text's UTF-8 bytes, in hex. The served text is the
    stored source (Markdown as written), which is what the API and the open data serve, not the rendered HTML."""
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


@dataclass(frozen=True)
class BoundText:
    """One served text: its name for people ("comment 42"), the subject its entry is about, and, when the subject
    has several such objects (an appeal's decisions), the value of the binding's key field that picks this one;
    `part` tells a binding's `recorded` which piece of that entry is this text's (a dissent's reviewer)."""

    name: str
    subject: str
    text: str | bytes
    key: Any = None
    part: Any = None


@dataclass(frozen=True)
class Binding:
    """One sort of public text and where its hash is on the record.

    `kinds` are the kinds of entry that publish it; `field` the payload field with the hash; with `plain`, the
    payload holds the text itself (a publisher's answer to a comment), compared as it is. `key_field`, when set,
    is the payload field naming the object among its subject's entries. Of several matching entries the latest
    counts. `texts` yields every public object of the sort with the text served now.
    """

    name: str
    kinds: tuple[EntryKind, ...]
    field: str
    texts: Callable[[], Iterable[BoundText]]
    key_field: str | None = None
    plain: bool = False
    # When the value is not simply payload[field] (a version's clauses are a list of hashes), this finds it.
    recorded: Callable[[dict[str, Any], BoundText], str | None] | None = None


_bindings: dict[str, Binding] = {}


def provide_bound_texts(binding: Binding) -> None:
    """Called by each app's ready(); a binding of the same name replaces the one before."""
    _bindings[binding.name] = binding


def bindings() -> list[Binding]:
    return list(_bindings.values())


@dataclass
class ContentReport:
    checked: int = 0
    unbound: int = 0
    mismatched: list[str] = field(default_factory=list)
    mismatch_count: int = 0

    @property
    def ok(self) -> bool:
        return self.mismatch_count == 0

    def add_mismatch(self, name: str) -> None:
        self.mismatch_count += 1
        if len(self.mismatched) < MAX_NAMED:
            self.mismatched.append(name)


EntryIndex = dict[tuple[str, Any], dict[str, Any]]


def index_entries(rows: Iterable[tuple[str, str]], key_field: str | None) -> EntryIndex:
    """(subject, payload JSON) rows in seq order, indexed by subject and the key field's value; a later entry
    replaces an earlier one."""
    index: EntryIndex = {}
    for subject, payload in rows:
        # Of several kinds binding one text (a version scheduled, then published), the latest entry counts too.
        data = json.loads(payload)
        index[(subject, data.get(key_field) if key_field else None)] = data
    return index


def compare(binding: Binding, index: EntryIndex, report: ContentReport) -> None:
    """Add each of the binding's texts to `report`: matched, unbound (no entry carries its hash: published before
    texts were bound), or mismatched, named."""
    for item in binding.texts():
        report.checked += 1
        payload = index.get((item.subject, item.key if binding.key_field else None))
        if payload is None:
            recorded = None
        elif binding.recorded is not None:
            recorded = binding.recorded(payload, item)
        else:
            recorded = payload.get(binding.field)
        if recorded is None:
            report.unbound += 1
            continue
        served = item.text if binding.plain else text_sha256(item.text)
        if served != recorded:
            report.add_mismatch(item.name)
