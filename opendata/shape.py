"""The shape of an open-data file: its fields and where its rows come from; and the fields most files start with."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    description: str


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    # Rows as dicts of JSON values, in a stable order, given the tree size of the checkpoint being exported.
    rows: Callable[[int], Iterator[dict]]

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]


ORG = Field("organization", "The organization's short name (slug), as in its page address.")
GUIDELINE = Field("guideline", "The guideline's short name (slug) within its organization.")
VERSION = Field("version", "The guideline version's number (1, 2, …).")
