from celery import shared_task

from ledger import checkpoints, content_check, services


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
