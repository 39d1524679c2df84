from django.core.management.base import BaseCommand

from opendata.writing import export_open_data


class Command(BaseCommand):
    help = "Write the open data files (/data/) for the latest checkpoint of the record, unless already written."

    def handle(self, *args, **options):
        export = export_open_data()
        if export is None:
            self.stdout.write("The record is empty: there is nothing to export yet.")
            return
        total = sum(item.bytes for item in export.files)
        self.stdout.write(
            f"Open data for checkpoint {export.tree_size} ({export.root_hash}): "
            f"{len(export.files)} files, {total} bytes, written {export.exported_at:%Y-%m-%d %H:%M} UTC."
        )
