from ledger.kinds import EntryKind
from ledger.models import VerificationRun
from ledger.services import append
from ledger.tasks import verify_record
from tests.workers import wait_for


def test_a_real_worker_runs_a_task_against_the_database(celery_worker_process):
    append(kind=EntryKind.SCALE_FILLER, subject="thing:1", payload={"n": 0})
    verify_record.delay()

    def verification_stored():
        """the worker to store a verification run"""
        return VerificationRun.objects.first()

    run = wait_for(verification_stored)
    assert (run.ok, run.entries_checked) == (True, 1)
