"""The figures of one statistics page, from the summed counts of its tally rows, each with the link to the list of
decisions, appeals or comments it counts."""

import math
from datetime import date
from functools import cached_property

from django.urls import reverse
from django.utils.http import urlencode

from appeals.models import Appeal, Decision
from appeals.selectors import OVERDUE, OVERTURNED_ANY
from consultation.models import Response
from core.periods import month_label

REASON_LABELS = dict(Appeal.INADMISSIBLE_REASONS)
OUTCOME_LABELS = dict(Decision.OUTCOME_CHOICES)
DISPOSITION_LABELS = dict(Response.DISPOSITION_CHOICES)
APPEAL_FILTERS = ("organization", "system", "guideline", "clause", "topic")
DECISION_FILTERS = ("organization", "system", "guideline", "clause", "topic")
COMMENT_FILTERS = ("organization", "guideline", "version", "clause")


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percentile(histogram: dict[int, int], fraction: float) -> int | None:
    """The nearest-rank percentile of a histogram of whole days: the smallest day with `fraction` of cases at or
    below it (the median is the lower middle value)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank, seen = max(math.ceil(fraction * total), 1), 0
    for day in sorted(histogram):
        seen += histogram[day]
        if seen >= rank:
            return day
    return None


class Links:
    """The lists a page's figures count, with the page's own filters and period."""

    def __init__(self, filters: dict[str, str], first: date | None, last: date | None):
        self.filters = filters
        self.period = {k: month_label(v) for k, v in (("from", first), ("to", last)) if v}

    def _url(self, name: str, allowed: tuple[str, ...], extra: dict, dated: bool = True) -> str | None:
        if any(key not in allowed for key in self.filters):
            return None  # that list cannot be filtered the same way, so no link would count the same rows
        query = {**self.filters, **extra, **(self.period if dated else {})}
        return f"{reverse(name)}?{urlencode(query)}"

    def appeals(self, dated: bool = True, **extra) -> str | None:
        return self._url("appeal-list", APPEAL_FILTERS, extra, dated)

    def decisions(self, **extra) -> str | None:
        return self._url("decisions", DECISION_FILTERS, {"in_force": "yes", **extra})

    def comments(self, **extra) -> str | None:
        return self._url("comment-list", COMMENT_FILTERS, extra)


class Figures:
    """Everything a statistics page or report says about one thing in one period."""

    def __init__(self, counts: dict[str, int], links: Links, overdue: int | None = None):
        self.counts, self.links, self.overdue_now = counts, links, overdue
        get = counts.get
        self.filed, self.admitted, self.withdrawn = get("filed", 0), get("admitted", 0), get("withdrawn", 0)
        self.inadmissible, self.decided = get("inadmissible", 0), get("decided", 0)
        self.on_time = get("on_time", 0)
        self.refused = get("refused", 0)  # refusals the organizations reported through their API
        self.decision_days = self._histogram("decision_days")
        self.comments, self.answered = get("comments", 0), get("answered", 0)
        self.answer_days = self._histogram("answer_days")
        self.offered, self.accepted = get("offered", 0), get("accepted", 0)
        self.declined, self.expired = get("declined", 0), get("expired", 0)
        self.votes, self.dissents, self.votes_on_time = get("votes", 0), get("dissents", 0), get("votes_on_time", 0)
        self.final_versions, self.final_clauses = get("final_versions", 0), get("final_clauses", 0)
        self.final_clauses_changed = get("final_clauses_changed", 0)

    def _histogram(self, name: str) -> dict[int, int]:
        prefix = f"{name}:"
        return {int(k[len(prefix) :]): v for k, v in self.counts.items() if k.startswith(prefix) and v}

    @property
    def has_appeals(self) -> bool:
        return bool(self.filed or self.decided or self.offered or self.overdue_now or self.refused)

    @property
    def has_comments(self) -> bool:
        return bool(self.comments or self.final_versions)

    @property
    def has_reviewing(self) -> bool:
        return bool(self.offered or self.votes)

    @property
    def appeal_share_of_refusals(self) -> float | None:
        """Appeals filed per refusal the organization reported: how many of the refused appeal."""
        return share(self.filed, self.refused)

    @property
    def overturned(self) -> int:
        return self.counts.get("outcome:overturned", 0) + self.counts.get("outcome:partially_overturned", 0)

    @property
    def overturn_share(self) -> float | None:
        return share(self.overturned, self.decided)

    @property
    def median_days(self) -> int | None:
        return percentile(self.decision_days, 0.5)

    @property
    def p90_days(self) -> int | None:
        return percentile(self.decision_days, 0.9)

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.decided)

    @property
    def answered_share(self) -> float | None:
        return share(self.answered, self.comments)

    @property
    def median_answer_days(self) -> int | None:
        return percentile(self.answer_days, 0.5)

    @property
    def changed_share(self) -> float | None:
        return share(self.final_clauses_changed, self.final_clauses)

    @property
    def dissent_share(self) -> float | None:
        return share(self.dissents, self.votes)

    @property
    def review_on_time_share(self) -> float | None:
        return share(self.votes_on_time, self.votes)

    @property
    def offers_accepted_share(self) -> float | None:
        return share(self.accepted, self.offered)

    def outcomes(self) -> list[dict]:
        return self._split(
            "outcome", "outcome", OUTCOME_LABELS, self.decided, lambda v: self.links.decisions(outcome=v)
        )

    def inadmissible_reasons(self) -> list[dict]:
        def url(reason):
            return self.links.appeals(status=Appeal.INADMISSIBLE, reason=reason)

        return self._split("reason", "inadmissible", REASON_LABELS, self.inadmissible, url)

    def dispositions(self) -> list[dict]:
        def url(disposition):
            return self.links.comments(disposition=disposition)

        return self._split("disposition", "disposition", DISPOSITION_LABELS, self.answered, url)

    def _split(self, name: str, counted_as: str, labels: dict, whole: int, url) -> list[dict]:
        """One row per value: its count (kept as "<counted_as>:<value>"), its share of `whole`, the list it links to."""
        return [
            {
                name: value,
                "label": label,
                "count": (n := self.counts.get(f"{counted_as}:{value}", 0)),
                "share": share(n, whole),
                "url": url(value),
            }
            for value, label in labels.items()
        ]

    @cached_property
    def url(self) -> dict[str, str | None]:
        """The list each headline figure counts (None where no list can be filtered the same way)."""
        links = self.links
        return {
            "filed": links.appeals(),
            "admitted": links.appeals(admitted="yes"),
            "inadmissible": links.appeals(status=Appeal.INADMISSIBLE),
            "withdrawn": links.appeals(status=Appeal.WITHDRAWN),
            "overdue_now": links.appeals(dated=False, status=OVERDUE),
            "decided": links.decisions(),
            "overturned": links.decisions(outcome=OVERTURNED_ANY),
            "comments": links.comments(),
            "answered": links.comments(answered="yes"),
        }

    def as_dict(self) -> dict:
        """The figures as the API and the CSV give them."""
        return {
            "appeals": {
                "refused": self.refused,
                "appeal_share_of_refusals": self.appeal_share_of_refusals,
                "filed": self.filed,
                "admitted": self.admitted,
                "inadmissible": self.inadmissible,
                "inadmissible_by_reason": {r["reason"]: r["count"] for r in self.inadmissible_reasons()},
                "withdrawn": self.withdrawn,
                "decided": self.decided,
                "outcomes": {o["outcome"]: o["count"] for o in self.outcomes()},
                "overturn_share": self.overturn_share,
                "median_days_to_decision": self.median_days,
                "p90_days_to_decision": self.p90_days,
                "decided_within_deadline_share": self.on_time_share,
                "overdue_now": self.overdue_now,
            },
            "consultations": {
                "comments": self.comments,
                "answered": self.answered,
                "answered_share": self.answered_share,
                "dispositions": {d["disposition"]: d["count"] for d in self.dispositions()},
                "median_days_from_close_to_answer": self.median_answer_days,
                "final_versions": self.final_versions,
                "final_clauses": self.final_clauses,
                "final_clauses_changed": self.final_clauses_changed,
                "changed_share": self.changed_share,
            },
            "reviewing": {
                "offers": self.offered,
                "accepted": self.accepted,
                "declined": self.declined,
                "expired": self.expired,
                "votes": self.votes,
                "votes_on_time_share": self.review_on_time_share,
                "dissents": self.dissents,
                "dissent_share": self.dissent_share,
            },
        }
