from celery import shared_task

from transparency import fold


@shared_task(name="transparency.tasks.fold_record")
def fold_record() -> int:
    return fold.fold_record()
