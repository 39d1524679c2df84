"""Errors after the commit, which production logs and swallows, fail the test they happen in.

Django runs robust on_commit callbacks in a try/except that logs at ERROR (and so does the test case, when a test
runs them with django_capture_on_commit_callbacks); Celery logs an eager task's failure at ERROR. The request
that committed succeeds, by design (docs/explanations/failure-modes.md), so without this check a test would pass
while the work its change queued crashed.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

LOGGERS = ("django.db.backends.base", "django.test", "celery.app.trace")
MARKER = "errors_after_commit_expected"


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextmanager
def failing_on_errors_after_commit() -> Iterator[None]:
    """Fail (pytest.fail) if an on_commit hook or an eager task logged an error inside the block, in any thread."""
    handler, loggers = _ErrorRecords(), [logging.getLogger(name) for name in LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    if handler.records:
        logged = "\n".join(logging.Formatter("%(name)s: %(message)s").format(record) for record in handler.records)
        pytest.fail(f"An after-commit hook or an eager task failed during this test:\n{logged}", pytrace=False)
