from django.http import FileResponse, Http404
from django.shortcuts import render

from opendata import files
from opendata.datasets import DATASETS

# A checkpoint's files never change, so browsers and caches may keep them for good.
IMMUTABLE = "public, max-age=31536000, immutable"
# Short texts a browser shows; the data files are downloaded.
SHOWN_FORMATS = {"sums", "note", "datapackage"}


def open_data(request):
    """The latest export's files, with their checksums, and what every field means."""
    export = files.latest_export()
    context = {
        "export": export,
        "datasets": [(dataset, export.files_of(dataset.name) if export else []) for dataset in DATASETS],
    }
    return render(request, "opendata/open_data.html", context)


def open_data_file(request, tree_size: int, name: str):
    export = files.export_at(tree_size)
    item = export.file(name) if export else None
    if item is None:
        raise Http404("No such file in the open data.")
    handle = files.open_data_storage().open(files.path_of(tree_size, name), "rb")
    response = FileResponse(
        handle, content_type=item.content_type, as_attachment=item.format not in SHOWN_FORMATS, filename=name
    )
    response["Cache-Control"] = IMMUTABLE
    response["ETag"] = f'"{item.sha256}"'
    return response
