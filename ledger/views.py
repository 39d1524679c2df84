from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from core.ids import parse_id
from ledger.checkpoints import latest_checkpoint
from ledger.models import Entry, VerificationRun, Witness
from ledger.notes import site_signer

PAGE_SIZE = 50
PLAIN_TEXT = "text/plain; charset=utf-8"


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
        "checkpoint": latest_checkpoint(),
        "witnesses": Witness.objects.filter(active=True),
        "verifier_key": site_signer().verifier,
        "site_url": settings.SITE_URL,
    }
    return render(request, "ledger/record.html", context)


@cache_control(no_cache=True)
def checkpoint(request):
    """The latest signed checkpoint with its witnesses' cosignatures, as a c2sp.org/tlog-checkpoint note."""
    latest = latest_checkpoint()
    if latest is None:
        return HttpResponse("No checkpoint has been published yet.\n", status=404, content_type=PLAIN_TEXT)
    return HttpResponse(latest.cosigned_note(), content_type=PLAIN_TEXT)


@cache_control(public=True, max_age=3600)
def key(request):
    """The verifier key that checks the site's signature on checkpoints, in Go's sumdb/note form."""
    return HttpResponse(f"{site_signer().verifier}\n", content_type=PLAIN_TEXT)
