"""The shape of an open-data file: its fields with their types, its keys and where its rows come from; and the
fields most files start with. datapackage.json (opendata/package.py) is written from these declarations."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Table Schema types (https://specs.frictionlessdata.io/table-schema/), as the cells read in the CSV files. A list
# (space-separated in CSV, an array in JSON Lines) is a string there; a JSON object is its canonical JSON text.
STRING, INTEGER, NUMBER, BOOLEAN, DATETIME, OBJECT = "string", "integer", "number", "boolean", "datetime", "object"


@dataclass(frozen=True)
class Field:
    name: str
    description: str
    type: str = STRING


@dataclass(frozen=True)
class ForeignKey:
    """Fields of this file whose values are a row's key in another file (`resource`; "" for this file)."""

    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    # Rows as dicts of JSON values, in a stable order, given the tree size of the checkpoint being exported.
    rows: Callable[[int], Iterator[dict]]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]


ORG = Field("organization", "The organization's short name (slug), as in its page address.")
GUIDELINE = Field("guideline", "The guideline's short name (slug) within its organization.")
VERSION = Field("version", "The guideline version's number (1, 2, …).", INTEGER)
# A public guideline version, named by the three fields above, which is a row of the guideline-versions file.
VERSION_KEY = ("organization", "guideline", "version")
OF_A_PUBLIC_VERSION = ForeignKey(VERSION_KEY, "guideline-versions", VERSION_KEY)
