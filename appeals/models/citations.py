"""The precedent graph: a decision citing an earlier one, as followed or distinguished, with a sentence why."""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from appeals.models.decisions import Decision
from appeals.models.limits import CITATION_REASON_MAX
from core.models import AppendOnlyModel, AppendOnlyQuerySet

# The reason given to citations stored before relations were recorded (migration decision_citations): they were all
# kept as `follows`, since a decision cited an earlier one to rely on it; the text says the rest is unknown.
UNRECORDED_REASON = "(cited before relations were recorded)"


class DecisionCitationQuerySet(AppendOnlyQuerySet):
    def by_decisions_in_force(self):
        """Citations made by decisions that stand: a corrected decision's citations are replaced by its correction's."""
        return self.filter(citing__superseded_by__isnull=True)


class DecisionCitation(AppendOnlyModel):
    """One edge of the precedent graph, stored with the citing decision and never changed: a correction that cites
    differently is a new decision with its own citations."""

    FOLLOWS, DISTINGUISHES = "follows", "distinguishes"
    RELATION_CHOICES = [(FOLLOWS, "Follows"), (DISTINGUISHES, "Distinguishes")]

    citing = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="cites")
    cited = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="cited_by")
    relation = models.CharField(max_length=20, choices=RELATION_CHOICES)
    reason = models.TextField(max_length=CITATION_REASON_MAX)

    refusal = "A citation is never changed; correct the decision that made it."

    # A manager is a ClassVar to django-stubs, and this one narrows the base's (typeddjango/django-stubs#1712).
    objects = DecisionCitationQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["pk"]
        constraints = [
            # Also the index for "what does this decision cite".
            models.UniqueConstraint(fields=["citing", "cited"], name="decision_cited_once"),
            models.CheckConstraint(condition=~Q(citing=models.F("cited")), name="decision_never_cites_itself"),
            models.CheckConstraint(condition=Q(relation__in=["follows", "distinguishes"]), name="citation_relation"),
        ]
        # "What cites this decision", and how often it is followed (the clause page's ranking).
        indexes = [models.Index(fields=["cited", "relation", "citing"], name="decision_cited_by")]

    def __str__(self) -> str:
        return f"Decision {self.citing_id} {self.relation} decision {self.cited_id}"


@dataclass(frozen=True)
class Citation:
    """A citation as a reviewer gives it, before it is checked and stored."""

    decision: int
    relation: str
    reason: str

    def as_json(self) -> dict:
        return {"decision": self.decision, "relation": self.relation, "reason": self.reason}
