import logging

from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval

from ledger import checkpoints, content_check, receipt_mail, services, witnessing
from ledger.models import Checkpoint, Witness

logger = logging.getLogger(__name__)
RETRY_MAX_SECONDS = 600  # within the broker's visibility timeout (config/settings.py)


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


@shared_task(name="ledger.tasks.push_checkpoint_to_witness", bind=True, acks_late=True, max_retries=20)
def push_checkpoint_to_witness(self: Task, witness_id: int, checkpoint_id: int, retry: bool = True) -> int | None:
    witness = Witness.objects.pushed_to().filter(pk=witness_id).first()
    checkpoint = Checkpoint.objects.filter(pk=checkpoint_id).first()
    if witness is None or checkpoint is None:
        return None
    try:
        cosignature = witnessing.push_checkpoint(witness=witness, checkpoint=checkpoint)
    except witnessing.WitnessUnavailable as error:
        # Only the latest checkpoint is worth waiting for: a later one's push proves everything before it, so one
        # retrying task per witness at most. The embedded default has no worker to wait with: the next push catches up.
        if not retry or self.request.is_eager or Checkpoint.objects.filter(size__gt=checkpoint.size).exists():
            logger.warning("Not pushed checkpoint %d: %s", checkpoint.size, error)
            return None
        wait = get_exponential_backoff_interval(2, self.request.retries, RETRY_MAX_SECONDS, full_jitter=True)
        raise self.retry(exc=error, countdown=wait) from None
    return cosignature.pk if cosignature else None


@shared_task(name="ledger.tasks.send_receipts", acks_late=True)
def send_receipts() -> int:
    return receipt_mail.send_due_receipts()
