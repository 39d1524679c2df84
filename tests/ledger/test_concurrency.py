import threading

import pytest
from django.db import close_old_connections, connection

from ledger.kinds import EntryKind
from ledger.models import Entry
from ledger.services import append, check_chain

WRITERS = 8
APPENDS_EACH = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_or_leave_gaps():
    barrier = threading.Barrier(WRITERS)
    errors = []

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for n in range(APPENDS_EACH):
                append(kind=EntryKind.SCALE_FILLER, subject=f"writer:{number}", payload={"n": n})
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert errors == []
    assert list(Entry.objects.values_list("seq", flat=True)) == list(range(1, WRITERS * APPENDS_EACH + 1))
    assert check_chain().ok
