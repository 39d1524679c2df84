"""The export as a Frictionless Data Package: datapackage.json written from the datasets' declarations, checked by
`frictionless validate` itself; and SHA256SUMS in exactly the format `sha256sum -c` reads, its signature beside it."""

import json
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from appeals import services as appeals
from appeals.models import Decision
from consultation.models import CommentPeriod
from consultation.services import closing, comments
from ledger.notes import site_signer, verify_note
from opendata.datasets import DATASETS
from opendata.files import PACKAGE, SUMS, SUMS_NOTE
from opendata.writing import export_open_data
from tests.appeals.factories import AISystemFactory, decided, file, published_guideline
from tests.consultation.factories import consultation

pytestmark = pytest.mark.django_db
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


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


@pytest.fixture
def exported(open_data_root, citizen, organization, moderator, publisher):
    """An export of a small site with a row in the files the keys join: decisions (one corrected), appeals,
    versions and clauses, comments with a reply and an answer."""
    system, guideline = AISystemFactory(organization=organization), published_guideline(organization)
    decided(citizen, system, guideline, moderator, handle="rae")
    corrected = decided(citizen, system, guideline, moderator, handle="kit", outcome=Decision.UPHELD)
    appeals.correct_decision(
        decision=corrected.decisions.get(),
        by=moderator,
        outcome=Decision.PARTIAL,
        rationale="Corrected.",
        cited_clause_keys=["R-1.1"],
        note="The panel misread R-1.1.",
    )
    file(citizen, system, guideline)
    version = consultation(organization)
    asked = comments.post_comment(version=version, clause=version.clauses.first(), body="Too broad.", by=citizen)
    comments.post_comment(version=version, body="A reply.", parent=asked, by=citizen)
    CommentPeriod.objects.filter(version=version).update(closes_at=timezone.now() - timedelta(minutes=1))
    closing.respond_to_comment(comment=asked, disposition="adopted", text="Narrowed it.", by=publisher)
    done = export_open_data()
    return open_data_root / str(done.tree_size)


def package(folder: Path) -> dict:
    return json.loads((folder / PACKAGE).read_text())


def test_frictionless_finds_the_export_valid(exported):
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", PACKAGE], cwd=exported, capture_output=True, text=True, timeout=120
    )
    report = json.loads(result.stdout)
    errors = [error["message"] for task in report["tasks"] for error in task["errors"]]
    assert errors == [] and report["valid"], errors
    assert {task["name"] for task in report["tasks"]} == {dataset.name for dataset in DATASETS}


def test_every_file_has_a_table_schema_from_its_declared_fields(exported):
    resources = {resource["name"]: resource for resource in package(exported)["resources"]}
    assert list(resources) == [dataset.name for dataset in DATASETS]
    for dataset in DATASETS:
        schema = resources[dataset.name]["schema"]
        assert [field["name"] for field in schema["fields"]] == dataset.field_names
        assert all(field["description"] for field in schema["fields"])
        assert schema["primaryKey"], dataset.name
    decisions = resources["decisions"]
    assert decisions["path"] == "decisions.csv.gz" and decisions["hash"].startswith("sha256:")
    types = {field["name"]: field["type"] for field in decisions["schema"]["fields"]}
    assert (types["id"], types["decided_at"], types["rationale"]) == ("integer", "datetime", "string")
    joins = {(tuple(key["fields"]), key["reference"]["resource"]) for key in decisions["schema"]["foreignKeys"]}
    assert (("appeal",), "appeals") in joins and (("supersedes",), "") in joins


def test_a_broken_foreign_key_is_caught(exported):
    """The keys are checked, not only declared: a decision naming an appeal the appeals file lacks is invalid."""
    descriptor = package(exported)
    for resource in descriptor["resources"]:
        resource.pop("hash")
        resource.pop("bytes")
    appeals_file = next(r for r in descriptor["resources"] if r["name"] == "appeals")
    appeals_file["path"] = "empty-appeals.csv"
    header = ",".join(field["name"] for field in appeals_file["schema"]["fields"])
    (exported / "empty-appeals.csv").write_text(f"# no appeals\r\n{header}\r\n")
    appeals_file.pop("compression")
    (exported / "broken.json").write_text(json.dumps(descriptor))
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "broken.json"], cwd=exported, capture_output=True, text=True
    )
    report = json.loads(result.stdout)
    assert not report["valid"]
    assert "foreign-key" in {error["type"] for task in report["tasks"] for error in task["errors"]}


SHA256SUM = shutil.which("sha256sum")


@pytest.mark.skipif(SHA256SUM is None, reason="needs coreutils' sha256sum")
def test_sha256sum_checks_every_file_with_no_warning(exported):
    result = subprocess.run([SHA256SUM, "-c", "--strict", SUMS], cwd=exported, capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    checked = {line.removesuffix(": OK") for line in result.stdout.splitlines()}
    assert checked == {f"{dataset.name}.{fmt}.gz" for dataset in DATASETS for fmt in ("jsonl", "csv")} | {PACKAGE}


def test_the_signed_note_beside_it_holds_the_same_lines(exported):
    text = verify_note((exported / SUMS_NOTE).read_text(), site_signer().verifier)
    origin, checkpoint, *sums = text.splitlines(keepends=True)
    assert origin.endswith("/data\n")
    assert checkpoint.startswith("checkpoint ")
    assert "".join(sums) == (exported / SUMS).read_text()


def test_the_data_page_links_the_package_and_both_checksum_files(client, exported):
    page = client.get(reverse("open-data")).text
    tree_size = int(exported.name)
    for name in (PACKAGE, SUMS, SUMS_NOTE):
        assert reverse("open-data-file", args=[tree_size, name]) in page
    response = client.get(reverse("open-data-file", args=[tree_size, PACKAGE]))
    assert response["Content-Type"] == "application/json" and "attachment" not in response["Content-Disposition"]
