"""The close-out page of a final version: "you said, we did"."""

from django.shortcuts import render

from consultation.diff import word_diff
from consultation.models import Response, Suggestion, SuggestionDecision
from consultation.selectors.outcomes import published_closeout
from ledger.kinds import EntryKind
from ledger.models import Entry

DISPOSITIONS = dict(Response.DISPOSITION_CHOICES)
OUTCOMES = dict(SuggestionDecision.OUTCOME_CHOICES)
KINDS = dict(Suggestion.KIND_CHOICES)


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
