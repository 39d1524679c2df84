"""datapackage.json: an export described as a Frictionless Tabular Data Package (https://specs.frictionlessdata.io/),
so that `frictionless validate datapackage.json`, and any tool that reads the standard, knows every file's columns,
their types and meanings, and the keys that join the files, instead of guessing them.

It is written from the datasets' declarations (opendata/shape.py), never by hand, and it describes the CSV files:
each is a resource with its Table Schema, size and SHA-256. The JSON Lines files hold the same rows and fields.
"""

import hashlib
import json
from typing import Any

from django.conf import settings

from ledger.models import Checkpoint
from opendata import files
from opendata.datasets import DATASETS
from opendata.files import PACKAGE, PublishedFile
from opendata.shape import Dataset

# The first line of every CSV file names the checkpoint and starts with #; the column names are on the second.
CSV_DIALECT = {"header": True, "headerRows": [2], "commentChar": "#"}


def _schema(dataset: Dataset) -> dict[str, Any]:
    keys = set(dataset.primary_key)
    fields: list[dict[str, Any]] = []
    for field in dataset.fields:
        described: dict[str, Any] = {"name": field.name, "type": field.type, "description": field.description}
        if field.name in keys:
            described["constraints"] = {"required": True}
        fields.append(described)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if dataset.primary_key:
        schema["primaryKey"] = list(dataset.primary_key)
    if dataset.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(key.fields), "reference": {"resource": key.resource, "fields": list(key.reference)}}
            for key in dataset.foreign_keys
        ]
    return schema


def _resource(dataset: Dataset, csv_file: PublishedFile) -> dict[str, Any]:
    return {
        "profile": "tabular-data-resource",
        "name": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "path": csv_file.name,
        "format": "csv",
        "compression": "gz",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": csv_file.bytes,
        "hash": f"sha256:{csv_file.sha256}",
        "dialect": CSV_DIALECT,
        "schema": _schema(dataset),
    }


def data_package(written: list[PublishedFile], checkpoint: Checkpoint) -> dict[str, Any]:
    """The descriptor of one export: a resource for each dataset's CSV file among `written`. Nothing in it is
    the time of writing, so the same rows still give the same bytes."""
    csv_files = {item.dataset: item for item in written if item.format == "csv"}
    return {
        "profile": "tabular-data-package",
        "name": "who-decides-open-data",
        "title": f"{settings.SITE_NAME}: open data at checkpoint {checkpoint.size}",
        "description": (
            "Appeals against AI refusals and their decisions, public consultations on refusal guidelines, and the "
            "public record they are written to, as of the named checkpoint of the record."
        ),
        "homepage": f"{settings.SITE_URL}/data/",
        "checkpoint": {"tree_size": checkpoint.size, "root_hash": checkpoint.root_hash},
        "resources": [_resource(dataset, csv_files[dataset.name]) for dataset in DATASETS],
    }


def write_data_package(written: list[PublishedFile], checkpoint: Checkpoint) -> PublishedFile:
    content = (json.dumps(data_package(written, checkpoint), indent=1, ensure_ascii=False) + "\n").encode()
    files.replace(files.path_of(checkpoint.size, PACKAGE), content)
    return PublishedFile(
        name=PACKAGE, format="datapackage", bytes=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
