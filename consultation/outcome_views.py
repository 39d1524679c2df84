"""The close-out page of a final version: "you said, we did"."""

from django.http import Http404
from django.shortcuts import render

from consultation import selectors
from consultation.diff import word_diff
from consultation.models import CloseOut, GuidelineVersion, Response, Suggestion, SuggestionDecision
from ledger.kinds import EntryKind
from ledger.models import Entry


def published_closeout(user, org: str, slug: str, number: int) -> CloseOut:
    """The close-out of version `number`, or a 404 saying why there is none."""
    version: GuidelineVersion = selectors.visible_version(user, org=org, slug=slug, number=number)
    closeout = CloseOut.objects.filter(version=version).first()
    if closeout is None:
        raise Http404(
            f"Version {number} has no close-out: a close-out is published with the final version that follows a "
            "consultation."
        )
    closeout.version = version
    return closeout


def version_outcome(request, org: str, slug: str, number: int):
    closeout = published_closeout(request.user, org, slug, number)
    version = closeout.version
    entry = Entry.objects.filter(subject=version.subject, kind=EntryKind.CLOSEOUT_PUBLISHED).first()
    document = _for_reading(closeout.document)
    context = {
        "closeout": closeout,
        "document": document,
        "version": version,
        "guideline": version.guideline,
        "entry": entry,
    }
    return render(request, "consultation/version_outcome.html", context)


DISPOSITIONS = dict(Response.DISPOSITION_CHOICES)
OUTCOMES = dict(SuggestionDecision.OUTCOME_CHOICES)
KINDS = dict(Suggestion.KIND_CHOICES)


def _for_reading(document: dict) -> dict:
    """The stored document with what the page shows beside it: the redline of each changed clause, and the names
    people read for the codes it stores."""
    for clause in document["clauses"]:
        change = clause["change"]
        if change["kind"] == "changed":
            change["redline"] = word_diff(change["text_before"] or "", change["text_after"] or "")
        for suggestion in clause["suggestions"]:
            suggestion["kind_label"] = KINDS.get(suggestion["kind"], suggestion["kind"])
            if suggestion["decision"]:
                suggestion["decision"]["label"] = OUTCOMES.get(suggestion["decision"]["outcome"], "")
    for said in [*document["clauses"], document["general"]]:
        for comment in said["top_endorsed"]:
            if comment["response"]:
                comment["response"]["label"] = DISPOSITIONS.get(comment["response"]["disposition"], "")
    return document
