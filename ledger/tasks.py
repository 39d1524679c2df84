from celery import shared_task

from ledger import checkpoints, services
from ledger.opendata import writing


@shared_task(name="ledger.tasks.verify_record")
def verify_record() -> bool:
    return services.verify_record().ok


@shared_task(name="ledger.tasks.publish_checkpoint")
def publish_checkpoint() -> int | None:
    checkpoint = checkpoints.publish_checkpoint()
    return checkpoint.size if checkpoint else None


@shared_task(name="ledger.tasks.export_open_data")
def export_open_data() -> int | None:
    """Nightly; running it twice for the same checkpoint writes nothing the second time."""
    export = writing.export_open_data()
    return export.tree_size if export else None
