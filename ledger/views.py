from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from core.cors import readable_from_any_site
from core.ids import parse_id
from ledger import receipts, selectors
from ledger.checkpoints import latest_checkpoint
from ledger.models import ContentCheck, Entry, VerificationRun, Witness
from ledger.notes import site_signer

PLAIN_TEXT = "text/plain; charset=utf-8"


def record(request: HttpRequest) -> HttpResponse:
    """The public record, newest first, paged by seq so every page is one indexed query."""
    before = parse_id(request.GET.get("before", "0"))
    if not before and "before" in request.GET:
        raise Http404("No such page of the record.")
    entries, older = selectors.record_page(before=before or None)
    return render(request, "ledger/record.html", {"entries": entries, "older": older, **_record_context()})


def _record_context() -> dict[str, Any]:
    """What a reader needs beside the entries to check the record: the last run, the checkpoint and the keys."""
    return {
        "last_verification": VerificationRun.objects.first(),
        "last_content_check": ContentCheck.objects.first(),
        "checkpoint": latest_checkpoint(),
        "witnesses": Witness.objects.filter(active=True),
        "verifier_key": site_signer().verifier,
        "site_url": settings.SITE_URL,
    }


@cache_control(no_cache=True)
@readable_from_any_site
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint with its witnesses' cosignatures, as a c2sp.org/tlog-checkpoint note."""
    latest = latest_checkpoint()
    if latest is None:
        return HttpResponse("No checkpoint has been published yet.\n", status=404, content_type=PLAIN_TEXT)
    return HttpResponse(latest.cosigned_note(), content_type=PLAIN_TEXT)


@cache_control(public=True, max_age=3600)
@readable_from_any_site
def key(request: HttpRequest) -> HttpResponse:
    """The verifier key that checks the site's signature on checkpoints, in Go's sumdb/note form."""
    return HttpResponse(f"{site_signer().verifier}\n", content_type=PLAIN_TEXT)


def receipt(request: HttpRequest, seq: int) -> HttpResponse:
    """Entry `seq`'s receipt (ledger.receipts), to download; until a checkpoint covers it, when it will be ready."""
    entry = get_object_or_404(Entry, seq=seq)
    text = receipts.receipt_text(entry)
    if text is None:
        return HttpResponse(receipts.not_ready_message(seq), status=404, content_type=PLAIN_TEXT)
    response = HttpResponse(text, content_type=PLAIN_TEXT)
    response["Content-Disposition"] = f'attachment; filename="{receipts.receipt_filename(seq)}"'
    return response
