"""The next draft, started from the accepted suggestions of a closed consultation."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from consultation.models import KEY_LENGTH, MAX_CLAUSES, Clause, GuidelineVersion, Suggestion
from consultation.selectors.suggestions import adopted_suggestions
from consultation.services.common import require_publisher
from consultation.services.drafting import create_draft_version
from core.markdown import render_markdown

INSERTED_HEADING = "New clause after {key}"


@dataclass
class SuggestedDraft:
    version: GuidelineVersion
    applied: list[Suggestion] = field(default_factory=list)
    # Accepted suggestions on a clause that a more supported one already changed: the publisher settles them.
    conflicts: list[tuple[Suggestion, Suggestion]] = field(default_factory=list)  # (left out, applied instead)


@transaction.atomic
def start_draft_from_accepted_suggestions(
    *, version: GuidelineVersion, summary_of_changes: str = "", by: User
) -> SuggestedDraft:
    """A new draft that copies the consulted version with each accepted suggestion applied: a replacement's text, a
    deletion's clause removed, an insertion as a new clause `<key>.<n>` after its clause, headed for the publisher to
    edit. Each changed clause remembers its suggestions (Clause.from_suggestions) so the diff can name them.

    Two accepted replacements or deletions of one clause cannot both apply: the most supported is applied, the
    others (unless they say exactly the same) are returned as conflicts."""
    require_publisher(by, version.guideline.organization)
    period = version.period
    if version.status != GuidelineVersion.CONSULTATION or period is None or not period.is_closed:
        raise ValidationError("A draft is started from the accepted suggestions once the consultation has closed.")
    adopted = list(adopted_suggestions(version))
    if not adopted:
        raise ValidationError("No suggestion on this version has been accepted yet.")
    draft = create_draft_version(guideline=version.guideline, summary_of_changes=summary_of_changes, by=by)
    if draft.based_on_id != version.pk:
        newest = version.guideline.versions.order_by("-number")[1]  # the one before the new draft
        raise ValidationError(f"Version {newest.number} is newer: start the next draft from it instead.")
    result = SuggestedDraft(version=draft)
    clauses = {clause.key: clause for clause in draft.clauses.all()}
    order = sorted(clauses.values(), key=lambda clause: (clause.position, clause.pk))
    inserted: dict[str, list[Clause]] = {}
    taken = set(Clause.objects.filter(version__guideline=version.guideline).values_list("key", flat=True))
    winners: dict[str, Suggestion] = {}
    for suggestion in adopted:  # the most supported first on each clause
        key = suggestion.clause.key
        if suggestion.kind == Suggestion.INSERT_AFTER:
            new = _insert_after(draft, key, suggestion, taken)
            inserted.setdefault(key, []).append(new)
            result.applied.append(suggestion)
            continue
        winner = winners.get(key)
        if winner is None:
            winners[key] = suggestion
            _apply(clauses[key], suggestion)
            result.applied.append(suggestion)
        elif (winner.kind, winner.text) == (suggestion.kind, suggestion.text):
            clauses[key].from_suggestions.add(suggestion)  # the same change, suggested twice
            result.applied.append(suggestion)
        else:
            result.conflicts.append((suggestion, winner))
    _renumber(order, inserted, removed={key for key, s in winners.items() if s.kind == Suggestion.DELETE})
    return result


def _apply(clause: Clause, suggestion: Suggestion) -> None:
    clause.from_suggestions.add(suggestion)
    if suggestion.kind == Suggestion.DELETE:
        return  # removed by _renumber, once every suggestion on it has been weighed
    clause.text, clause.text_html = suggestion.text, render_markdown(suggestion.text)
    clause.save(update_fields=["text", "text_html"])


def _insert_after(draft: GuidelineVersion, key: str, suggestion: Suggestion, taken: set[str]) -> Clause:
    """A new clause keyed `<key>.<n>` with the first n no version of the guideline has used: keys keep their
    meaning, so a key once used for other text is never given again."""
    number = 1
    while f"{key}.{number}" in taken:
        number += 1
    new_key = f"{key}.{number}"
    if len(new_key) > KEY_LENGTH:
        raise ValidationError(f"Suggestion {suggestion.pk}: the clause after {key} would need a key too long to use.")
    taken.add(new_key)
    clause = Clause.objects.create(
        version=draft,
        key=new_key,
        heading=INSERTED_HEADING.format(key=key),
        text=suggestion.text,
        text_html=render_markdown(suggestion.text),
        tags=list(suggestion.clause.tags),
    )
    clause.from_suggestions.add(suggestion)
    return clause


def _renumber(order: list[Clause], inserted: dict[str, list[Clause]], *, removed: set[str]) -> None:
    """Positions in reading order, each inserted clause right after its clause (even one deleted meanwhile)."""
    placed: list[Clause] = []
    for clause in order:
        if clause.key not in removed:
            placed.append(clause)
        placed.extend(inserted.get(clause.key, []))
    if len(placed) > MAX_CLAUSES:
        raise ValidationError(f"A version has at most {MAX_CLAUSES} clauses.")
    doomed = [clause.pk for clause in order if clause.key in removed]
    if doomed:
        Clause.from_suggestions.through.objects.filter(clause_id__in=doomed).delete()
        Clause.objects.filter(pk__in=doomed).delete()
    for position, clause in enumerate(placed):
        clause.position = position
    Clause.objects.bulk_update(placed, ["position"])
