"""The in-process check of served texts (ledger.content): run daily by beat and by `verify_record --content`."""

import logging

from django.core.mail import mail_admins

from core.caching import renew_after_commit
from ledger.content import ContentReport, bindings, compare, index_entries
from ledger.models import ContentCheck, Entry

logger = logging.getLogger(__name__)


def check_content() -> ContentReport:
    """Every bound public text against its entry, one sort at a time so memory holds one sort's entries."""
    report = ContentReport()
    for binding in bindings():
        entries = Entry.objects.filter(kind__in=binding.kinds).order_by("seq").values_list("subject", "payload")
        compare(binding, index_entries(entries.iterator(chunk_size=5000), binding.key_field), report)
    return report


def record_content_check() -> ContentCheck:
    """Check, store the outcome for /record/, and on a mismatch log at ERROR and mail ADMINS."""
    report = check_content()
    run = ContentCheck.objects.create(
        checked=report.checked,
        unbound=report.unbound,
        mismatch_count=report.mismatch_count,
        mismatched=report.mismatched,
    )
    renew_after_commit("record")
    if not report.ok:
        named = ", ".join(report.mismatched)
        message = (
            f"{report.mismatch_count} public text(s) differ from the hash their entry of the record carries: {named}. "
            "The rows were changed outside the application; restore them from the record or a backup."
        )
        logger.error("Served texts do not match the record: %s", message)
        mail_admins("The public record's texts were altered", message)
    return run
