from celery import shared_task

from opendata import writing


@shared_task(name="opendata.tasks.export_open_data")
def export_open_data() -> int | None:
    """Nightly; running it twice for the same checkpoint writes nothing the second time."""
    export = writing.export_open_data()
    return export.tree_size if export else None
