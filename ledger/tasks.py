from celery import shared_task

from ledger import checkpoints, content_check, receipt_mail, services


@shared_task(name="ledger.tasks.verify_record")
def verify_record() -> bool:
    return services.verify_record().ok


@shared_task(name="ledger.tasks.publish_checkpoint")
def publish_checkpoint() -> int | None:
    checkpoint = checkpoints.publish_checkpoint()
    return checkpoint.size if checkpoint else None


@shared_task(name="ledger.tasks.check_record_content")
def check_record_content() -> bool:
    return content_check.record_content_check().ok


@shared_task(name="ledger.tasks.send_receipts", acks_late=True)
def send_receipts() -> int:
    return receipt_mail.send_due_receipts()
