"""The earlier decisions a decision cites, as rows of the decision and correction forms: a number, whether it is
followed or distinguished, and a sentence why. A fixed number of rows, so the form is a plain POST with no script;
empty rows are ignored, and the service checks the rest (appeals.services.citing)."""

from collections.abc import MutableMapping
from typing import Any

from django import forms

from appeals.models import CITATION_REASON_MAX, Citation, Decision, DecisionCitation

CITATION_ROWS = 3  # rows offered on a new decision; a correction offers one more than its decision's citations
_PARTS = ("decision", "relation", "reason")


def _name(row: int, part: str) -> str:
    return f"citation_{row}_{part}"


class CitationRows:
    """Mixed into a form: `add_citation_rows` adds the rows' fields, `clean_citation_rows` turns the filled rows into
    `cleaned_data["citations"]`, and the check page lists one answer per citation."""

    fields: dict[str, forms.Field]
    initial: MutableMapping[str, Any]
    cleaned_data: dict[str, Any]
    add_error: Any
    citation_row_count = 0
    cited_rows: list[int]  # the row of each citation, for the check page's "Change" links

    def add_citation_rows(self, rows: int, given: list[Citation]) -> None:
        self.citation_row_count = rows
        for row in range(rows):
            self.fields[_name(row, "decision")] = forms.IntegerField(
                label="Decision number", required=False, min_value=1, help_text="As on its page: “Decision 12”."
            )
            self.fields[_name(row, "relation")] = forms.ChoiceField(
                label="This decision",
                choices=DecisionCitation.RELATION_CHOICES,
                initial=DecisionCitation.FOLLOWS,
                required=False,  # asked of a row with a decision only
            )
            self.fields[_name(row, "reason")] = forms.CharField(
                label="Why, in a sentence",
                required=False,
                max_length=CITATION_REASON_MAX,
                help_text=f"Required for a cited decision; at most {CITATION_REASON_MAX} characters.",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if row < len(given):
                self.initial.update({_name(row, part): getattr(given[row], part) for part in _PARTS})

    def citation_rows(self) -> list[dict[str, forms.BoundField]]:
        """Each row's bound fields by part, for the template."""
        form: Any = self
        return [{part: form[_name(row, part)] for part in _PARTS} for row in range(self.citation_row_count)]

    def clean_citation_rows(self) -> None:
        citations, self.cited_rows = [], []
        for row in range(self.citation_row_count):
            number = self.cleaned_data.pop(_name(row, "decision"), None)
            relation = self.cleaned_data.pop(_name(row, "relation"), "")
            reason = self.cleaned_data.pop(_name(row, "reason"), "")
            if number is None and reason:
                self.add_error(_name(row, "decision"), "Give the number of the decision this reason is for.")
            elif number is not None and not reason:
                self.add_error(_name(row, "reason"), f"Say in a sentence why decision {number} is cited.")
            elif number is not None and not relation:
                self.add_error(_name(row, "relation"), f"Say whether decision {number} is followed or distinguished.")
            elif number is not None:
                citations.append(Citation(decision=number, relation=relation, reason=reason))
                self.cited_rows.append(row)
        self.cleaned_data["citations"] = citations

    def citation_answers(self, answers: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """The check page's answers with the rows' fields replaced by one line per cited decision."""
        form: Any = self
        kept = [answer for answer in answers if not answer[2].startswith(f"{form.auto_id % 'citation_'}")]
        relations = dict(DecisionCitation.RELATION_CHOICES)
        for row, citation in zip(self.cited_rows, self.cleaned_data.get("citations", []), strict=True):
            anchor = form[_name(row, "decision")].id_for_label
            said = f"{relations[citation.relation]} decision {citation.decision}: {citation.reason}"
            kept.append(("Earlier decision it cites", said, anchor))
        return kept


def citations_of(decision: Decision) -> list[Citation]:
    """What `decision` cites, as a correction of it starts from (read through a prefetch of `cites`)."""
    return [Citation(decision=c.cited_id, relation=c.relation, reason=c.reason) for c in decision.cites.all()]
