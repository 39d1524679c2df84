from celery import shared_task

from transparency import fold, signals


@shared_task(name="transparency.tasks.fold_record")
def fold_record() -> int:
    signals.fold_started()
    return fold.fold_record()
