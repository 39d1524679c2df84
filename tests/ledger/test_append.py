import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.models import AppendOnlyError
from ledger.kinds import EntryKind
from ledger.models import GENESIS_HASH, Entry, Head
from ledger.services import append, check_chain

pytestmark = pytest.mark.django_db


def test_entries_chain_by_hash():
    first = append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 1, "b": 2, "a": 1})
    second = append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 2, "a": 2})
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.payload == '{"a":1,"b":2,"n":1}'
    assert check_chain().ok


def test_an_entry_is_stored_with_its_state_change_or_not_at_all():
    with pytest.raises(RuntimeError), transaction.atomic():
        append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
        raise RuntimeError("the state change failed")
    assert not Entry.objects.exists()


def test_entries_cannot_be_updated_or_deleted_in_code():
    entry = append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    entry.kind = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).update(kind="rewritten")
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().delete()
    assert Entry.objects.get().kind == EntryKind.SCALE_FILLER


def test_postgresql_refuses_updates_and_deletes_even_in_raw_sql():
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    for statement in ("UPDATE ledger_entry SET kind = 'rewritten'", "DELETE FROM ledger_entry"):
        with pytest.raises(Exception, match="never updated or deleted"), transaction.atomic(), connection.cursor() as c:
            c.execute(statement)
    assert Entry.objects.get().kind == EntryKind.SCALE_FILLER


def test_two_entries_cannot_claim_the_same_place_in_the_chain():
    first = append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    fork = Entry(
        seq=2,
        at=first.at,
        kind=EntryKind.SCALE_FILLER,
        subject="x",
        payload="{}",
        prev_hash=first.prev_hash,
        hash="f" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()


def appending_costs() -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    return len(queries), [q["sql"].split()[0] for q in queries]


def test_an_append_costs_the_same_queries_at_size_1_and_at_size_1000():
    append(kind=EntryKind.SCALE_FILLER, subject="thing:0", payload={"n": 0})
    small = appending_costs()
    for n in range(998):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": 0})
    assert Entry.objects.count() == 1000
    assert appending_costs() == small
    # one read of the locked head, then one statement that writes entry, tree nodes and head
    assert small[0] == 2
    assert check_chain().ok


def test_a_missing_head_is_rebuilt_from_the_record():
    for n in range(13):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": 0})
    with connection.cursor() as cursor:  # the trigger refuses it: an operator restoring a backup without the head
        cursor.execute("ALTER TABLE ledger_head DISABLE TRIGGER USER; DELETE FROM ledger_head")
        cursor.execute("ALTER TABLE ledger_head ENABLE TRIGGER USER")
    append(kind=EntryKind.SCALE_FILLER, subject="thing:13", payload={"n": 0})
    assert Head.objects.get().size == 14
    assert check_chain().ok
