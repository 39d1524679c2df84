"""Per organization, what its consultations led to: the share of suggested wording it accepted, and how many days
it took from the close of a comment period to the final version. Read from the rows in two grouped queries (the
suggestions decided and the final versions published in the period), whatever the number of organizations."""

import statistics
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from consultation.models import GuidelineVersion, SuggestionDecision
from core.periods import within_months
from transparency.models import Tally


@dataclass
class OrganizationOutcomes:
    slug: str
    name: str
    decided: int = 0
    accepted: int = 0  # accepted as written or with changes
    final_versions: int = 0
    median_days_to_final: int | None = None

    @property
    def accepted_share(self) -> float | None:
        return self.accepted / self.decided if self.decided else None

    def as_dict(self) -> dict:
        return {
            "organization": self.slug,
            "name": self.name,
            "suggestions_decided": self.decided,
            "suggestions_accepted": self.accepted,
            "accepted_share": self.accepted_share,
            "final_versions": self.final_versions,
            "median_days_from_close_to_final": self.median_days_to_final,
        }


def consultation_outcomes(
    *, organization: str = "", first: date | None = None, last: date | None = None
) -> list[OrganizationOutcomes]:
    """Every organization with a decided suggestion or a final version in the period (`organization`: only that
    one), by name."""
    org = "suggestion__version__guideline__organization"
    decisions = SuggestionDecision.objects.filter(within_months("created_at", first, last))
    finals = GuidelineVersion.objects.filter(
        within_months("published_at", first, last),
        status__in=GuidelineVersion.FINAL_STATUSES,
        based_on__comment_period__isnull=False,
        published_at__isnull=False,
    )
    if organization:
        decisions = decisions.filter(**{f"{org}__slug": organization})
        finals = finals.filter(guideline__organization__slug=organization)
    found: dict[str, OrganizationOutcomes] = {}
    decided = decisions.values(f"{org}__slug", f"{org}__name").annotate(
        n=Count("pk"), accepted=Count("pk", filter=Q(outcome__in=SuggestionDecision.ADOPTING))
    )
    for row in decided.order_by():
        slug = row[f"{org}__slug"]
        found[slug] = OrganizationOutcomes(slug, row[f"{org}__name"], row["n"], row["accepted"])
    days: dict[str, list[float]] = {}
    for slug, name, published_at, closes_at in finals.values_list(
        "guideline__organization__slug",
        "guideline__organization__name",
        "published_at",
        "based_on__comment_period__closes_at",
    ):
        found.setdefault(slug, OrganizationOutcomes(slug, name))
        if published_at and closes_at:  # both are: the query asks for them
            days.setdefault(slug, []).append(max((published_at - closes_at).total_seconds(), 0) / 86400)
    for slug, waits in days.items():
        found[slug].final_versions = len(waits)
        found[slug].median_days_to_final = round(statistics.median(waits))
    return sorted(found.values(), key=lambda outcomes: outcomes.name.casefold())


def outcomes_for(dimension: str, key: str, first: date | None, last: date | None) -> list[OrganizationOutcomes] | None:
    """The rows a statistics page shows: every organization's on the overall page, one on an organization's page;
    None on the others (a system, a guideline, a topic), which these figures do not break down to."""
    if dimension == Tally.ALL:
        return consultation_outcomes(first=first, last=last)
    if dimension == Tally.ORGANIZATION:
        return consultation_outcomes(organization=key, first=first, last=last)
    return None
