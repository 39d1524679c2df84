"""Times the record's verification (ledger.services.check_chain, what manage.py verify_record runs) and prints
one JSON line: entries, seconds, entries per second.

    DEBUG=1 DATABASE_URL=... python bench/verify.py
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from ledger.services import check_chain  # noqa: E402


def verification_rate() -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    report = check_chain()
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"The record does not verify: entry #{report.first_bad_seq}: {report.problem}")
    return {
        "entries": report.entries_checked,
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "entries_per_second": report.entries_checked / seconds,
    }


if __name__ == "__main__":
    print(json.dumps(verification_rate()))
