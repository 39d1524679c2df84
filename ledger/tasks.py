from celery import shared_task

from ledger import services


@shared_task(name="ledger.tasks.verify_record")
def verify_record() -> bool:
    return services.verify_record().ok
