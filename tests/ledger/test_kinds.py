"""The record's vocabulary (ledger.kinds): an undeclared kind or an incomplete payload fails here, in a test, before
it could count wrong in the statistics or surprise a reader of the open data."""

import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from appeals.models import RecommendationStep
from ledger.bulk import append_many
from ledger.kinds import EntryKind, IncompletePayload, UnknownKind, check_payload
from ledger.models import Entry
from ledger.services import append
from tools.verify_record import vocabulary_problem
from transparency import fold


def undeclared(entries) -> list[str]:
    """Each stored entry the vocabulary refuses, with why: what the outside verifier notes too."""
    problems = []
    for seq, kind, payload in entries.values_list("seq", "kind", "payload"):
        if problem := vocabulary_problem({"kind": kind, "payload": json.loads(payload)}):
            problems.append(f"#{seq}: {problem}")
    return problems


@pytest.mark.django_db
def test_appending_an_undeclared_kind_fails_and_stores_nothing():
    with pytest.raises(UnknownKind, match="'comment.liked' is not a kind of entry the record declares"):
        append(kind="comment.liked", subject="comment:1", payload={})
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_appending_a_payload_without_a_declared_field_fails_and_stores_nothing():
    with pytest.raises(IncompletePayload, match="comment.hidden needs the payload fields reason"):
        append(kind=EntryKind.COMMENT_HIDDEN, subject="comment:1", payload={"why": "spam"})
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_a_bulk_loader_is_held_to_the_same_vocabulary():
    with pytest.raises(IncompletePayload, match="appeal.decided needs the payload fields"):
        append_many([(EntryKind.APPEAL_DECIDED, "appeal:A-2026-000001", {"public_id": "A-2026-000001"})])
    assert not Entry.objects.exists()


def test_a_payload_may_carry_more_than_its_declared_fields():
    payload = {"audit": 1, "auditor": "a", "appeal": "A-2026-000001", "data": "attachment", "attachment": 3}
    assert check_payload("audit.read", payload) is EntryKind.AUDIT_READ


def test_kinds_keep_the_strings_already_on_the_record():
    # Renaming one would leave every stored entry of it under a kind nobody reads, and the hashes cover the string.
    assert EntryKind.COMMENT_POSTED == "comment.posted" and json.dumps(EntryKind.COMMENT_POSTED) == '"comment.posted"'
    assert EntryKind.APPEAL_DECIDED.topic == "appeal" and EntryKind.APPEAL_DECIDED.step == "decided"


def test_every_step_of_a_recommendation_has_a_kind():
    for step, _ in RecommendationStep.KIND_CHOICES:
        assert EntryKind.of("recommendation", step).fields >= {"public_id", "state"}


def test_the_fold_counts_declared_kinds_by_the_fields_they_declare():
    assert all(isinstance(kind, EntryKind) for kind in fold.APPEAL_KINDS | fold.COMMENT_KINDS)
    assert fold.REVIEW_KINDS <= fold.APPEAL_KINDS
    read = {
        EntryKind.APPEAL_INADMISSIBLE: {"public_id", "reason"},
        EntryKind.APPEAL_DECIDED: {"public_id", "decision", "votes"},
        EntryKind.APPEAL_CORRECTED: {"public_id", "decision", "supersedes"},
        **{kind: {"public_id", "reviewer"} for kind in fold.REVIEW_KINDS},
    }
    for kind, fields in read.items():
        assert fields <= kind.fields, kind


@pytest.mark.django_db
def test_every_entry_the_demo_and_the_bulk_loaders_write_is_declared_with_its_fields(demo, settings):
    # The demo site, seeded through the services, then seed_scale's comments, decided appeals and filler in bulk.
    settings.DEBUG, settings.APPEALS_PER_DAY = True, 1000
    sizes = ["--clauses", "2", "--comments", "20", "--appeals", "3", "--assignments", "6", "--entries", "1000"]
    sizes += ["--people", "20"]
    call_command("seed_scale", *sizes, stdout=io.StringIO())
    assert undeclared(Entry.objects.all()) == []
    written = set(Entry.objects.values_list("kind", flat=True))
    assert {EntryKind.COMMENT_POSTED, EntryKind.APPEAL_DECIDED, EntryKind.AUDIT_READ, EntryKind.SCALE_FILLER} <= written


def test_the_vocabulary_imports_without_django():
    # tools/verify_record.py imports it on a machine that has only Python and the cryptography package.
    code = "import sys, ledger.kinds; assert not any(m.startswith('django') for m in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_outside_verifier_notes_an_entry_of_an_undeclared_kind():
    assert "'comment.liked' is not a kind" in vocabulary_problem({"kind": "comment.liked", "payload": {}})
    assert "needs the payload fields reason" in vocabulary_problem({"kind": "comment.hidden", "payload": {}})
    assert vocabulary_problem({"kind": "comment.restored", "payload": {}}) == ""
