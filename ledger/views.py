from django.http import Http404
from django.shortcuts import render

from core.ids import parse_id
from ledger.models import Entry, VerificationRun

PAGE_SIZE = 50


def record(request):
    """The public record, newest first, paged by seq so every page is one indexed query."""
    before = request.GET.get("before", "")
    entries = Entry.objects.order_by("-seq")
    if before:
        seq = parse_id(before)
        if seq is None:
            raise Http404("No such page of the record.")
        entries = entries.filter(seq__lt=seq)
    page = list(entries[: PAGE_SIZE + 1])
    context = {
        "entries": page[:PAGE_SIZE],
        "older": page[PAGE_SIZE - 1].seq if len(page) > PAGE_SIZE else None,
        "last_verification": VerificationRun.objects.first(),
    }
    return render(request, "ledger/record.html", context)
