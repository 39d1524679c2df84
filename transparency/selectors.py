"""What a statistics page reads: its own tally rows and its breakdowns' in one query, the live count of overdue
appeals in another, and the names of what it breaks down by; never the appeals themselves."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import Organization
from appeals.models import AISystem, Appeal, AppealQuerySet
from consultation.models import Guideline
from core.periods import month_label, quarter_label
from transparency.figures import Figures, Links
from transparency.fold import record_position
from transparency.models import Tally


@dataclass
class Breakdown:
    dimension: str
    scope: str
    heading: str
    noun: str  # the column heading: Organization, Topic…


@dataclass
class Subject:
    """What a statistics page is about."""

    dimension: str
    key: str
    title: str
    filters: dict[str, str]
    breakdowns: list[Breakdown] = field(default_factory=list)
    overdue: AppealQuerySet | None = None
    names: dict[str, str] = field(default_factory=dict)  # breakdown key -> what people call it


@dataclass
class Row:
    key: str
    label: str
    url: str | None
    figures: Figures


@dataclass
class Statistics:
    subject: Subject
    figures: Figures
    months: list[tuple[str, Figures]]
    breakdowns: list[tuple[Breakdown, list[Row]]]
    first: date | None = None
    last: date | None = None
    folded_seq: int = 0
    record_seq: int = 0

    @property
    def behind_by(self) -> int:
        """Entries of the record not counted yet."""
        return max(self.record_seq - self.folded_seq, 0)

    @property
    def period_text(self) -> str:
        if self.first and self.last:
            return f"from {month_label(self.first)} to {month_label(self.last)}"
        if self.first:
            return f"since {month_label(self.first)}"
        if self.last:
            return f"up to {month_label(self.last)}"
        return "since the platform began"

    @property
    def appeal_days(self) -> int:
        return settings.APPEAL_DAYS


def overall() -> Subject:
    organizations = dict(Organization.objects.values_list("slug", "name"))
    return Subject(
        Tally.ALL,
        "",
        "All organizations",
        {},
        [
            Breakdown(Tally.ORGANIZATION, "", "By organization", "Organization"),
            Breakdown(Tally.TOPIC, "", "By topic of the clauses", "Topic"),
            Breakdown(Tally.REVIEWER, "", "By reviewer (pseudonymous labels)", "Reviewer"),
        ],
        Appeal.objects.all(),
        organizations,
    )


def system_named(org: str, system: str) -> AISystem:
    """The AI system a statistics URL names, or a 404."""
    return get_object_or_404(AISystem.objects.select_related("organization"), organization__slug=org, slug=system)


def guideline_named(org: str, slug: str) -> Guideline:
    """The guideline a statistics URL names, or a 404."""
    return get_object_or_404(Guideline.objects.select_related("organization"), organization__slug=org, slug=slug)


def for_organization(organization: Organization) -> Subject:
    org = organization.slug
    names = {f"{org}/{s}": n for s, n in AISystem.objects.filter(organization=organization).values_list("slug", "name")}
    names |= {
        f"{org}/{s}": t for s, t in Guideline.objects.filter(organization=organization).values_list("slug", "title")
    }
    return Subject(
        Tally.ORGANIZATION,
        org,
        organization.name,
        {"organization": org},
        [
            Breakdown(Tally.SYSTEM, org, "By AI system", "AI system"),
            Breakdown(Tally.GUIDELINE, org, "By guideline", "Guideline"),
            Breakdown(Tally.ORGANIZATION_TOPIC, org, "By topic of the clauses", "Topic"),
        ],
        Appeal.objects.filter(guideline__organization=organization),
        names,
    )


def for_system(system: AISystem) -> Subject:
    org = system.organization.slug
    return Subject(
        Tally.SYSTEM,
        f"{org}/{system.slug}",
        f"{system.name} ({system.organization.name})",
        {"organization": org, "system": system.slug},
        overdue=Appeal.objects.filter(refusal__system=system),
    )


def for_guideline(guideline: Guideline) -> Subject:
    key = f"{guideline.organization.slug}/{guideline.slug}"
    return Subject(
        Tally.GUIDELINE,
        key,
        f"{guideline.title} ({guideline.organization.name})",
        {"organization": guideline.organization.slug, "guideline": guideline.slug},
        [
            Breakdown(Tally.CLAUSE, key, "By clause", "Clause"),
            Breakdown(Tally.VERSION, key, "By version (comments)", "Version"),
        ],
        Appeal.objects.filter(guideline=guideline),
    )


def for_clause(guideline: Guideline, clause_key: str) -> Subject:
    org = guideline.organization.slug
    return Subject(
        Tally.CLAUSE,
        f"{org}/{guideline.slug}/{clause_key}",
        f"Clause {clause_key} of {guideline.title} ({guideline.organization.name})",
        {"organization": org, "guideline": guideline.slug, "clause": clause_key},
        overdue=Appeal.objects.filter(guideline=guideline, contested_clauses__key=clause_key),
    )


def for_topic(topic: str) -> Subject:
    organizations = {f"{slug}/{topic}": name for slug, name in Organization.objects.values_list("slug", "name")}
    # Overdue appeals by topic would need the clauses' tags per appeal: not a cheap count, so not shown.
    return Subject(
        Tally.TOPIC,
        topic,
        f"Topic: {topic}",
        {"topic": topic},
        [Breakdown(Tally.ORGANIZATION_TOPIC, "", "By organization", "Organization")],
        names=organizations,
    )


def statistics(subject: Subject, *, first: date | None = None, last: date | None = None) -> Statistics:
    """Three queries (tallies, overdue count, the record's position), whatever the number of appeals."""
    wanted = Q(dimension=subject.dimension, key=subject.key)
    for breakdown in subject.breakdowns:
        wanted |= Q(dimension=breakdown.dimension, scope=breakdown.scope)
    period = Q()
    if first:
        period &= Q(month__gte=first)
    if last:
        period &= Q(month__lte=last)
    own: defaultdict[str, int] = defaultdict(int)
    by_month: defaultdict[date, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    grouped: defaultdict[tuple[str, str], defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for dimension, key, month, counts in Tally.objects.filter(wanted, period).values_list(
        "dimension", "key", "month", "counts"
    ):
        if (dimension, key) == (subject.dimension, subject.key):
            _add(own, counts)
            _add(by_month[month], counts)
        else:
            _add(grouped[(dimension, key)], counts)
    overdue = subject.overdue.overdue().count() if subject.overdue is not None else None
    links = Links(subject.filters, first, last)
    # A month's numbers link to the lists of that month alone.
    months = [(month_label(m), Figures(by_month[m], Links(subject.filters, m, m))) for m in sorted(by_month)]
    breakdowns = []
    for breakdown in subject.breakdowns:
        rows = [
            _row(breakdown.dimension, key, counts, subject, first, last)
            for (dimension, key), counts in grouped.items()
            if dimension == breakdown.dimension
        ]
        breakdowns.append(
            (breakdown, sorted(rows, key=lambda row: (-row.figures.filed - row.figures.decided, row.label)))
        )
    folded_seq, record_seq = record_position()
    return Statistics(subject, Figures(own, links, overdue), months, breakdowns, first, last, folded_seq, record_seq)


def _add(total: dict, counts: dict) -> None:
    for name, value in counts.items():
        total[name] += value


def _row(dimension: str, key: str, counts: dict, subject: Subject, first, last) -> Row:
    """A breakdown row links to its own statistics page, and its figures to their lists."""
    parts = key.split("/")
    filters, url, label = {}, None, subject.names.get(key, key)
    if dimension == Tally.ORGANIZATION:
        filters, url = {"organization": key}, reverse("statistics-organization", args=[key])
    elif dimension == Tally.SYSTEM:
        filters = {"organization": parts[0], "system": parts[1]}
        url = reverse("statistics-system", args=parts)
    elif dimension == Tally.GUIDELINE:
        filters = {"organization": parts[0], "guideline": parts[1]}
        url = reverse("statistics-guideline", args=parts)
    elif dimension == Tally.CLAUSE:
        filters = {"organization": parts[0], "guideline": parts[1], "clause": parts[2]}
        url, label = reverse("statistics-clause", args=parts), parts[2]
    elif dimension == Tally.VERSION:
        filters = {"organization": parts[0], "guideline": parts[1], "version": parts[2].removeprefix("v")}
        label = parts[2]
    elif dimension == Tally.TOPIC:
        filters, url = {"topic": key}, reverse("statistics-topic", args=[key])
    elif dimension == Tally.ORGANIZATION_TOPIC:
        filters = {"organization": parts[0], "topic": parts[1]}
        url = reverse(
            "statistics-topic" if subject.dimension == Tally.ORGANIZATION else "statistics-organization",
            args=[parts[1] if subject.dimension == Tally.ORGANIZATION else parts[0]],
        )
        label = parts[1] if subject.dimension == Tally.ORGANIZATION else label
    elif dimension == Tally.REVIEWER:
        filters = {"reviewer": key}  # no public list of one reviewer's work: its figures carry no links
    return Row(key, label, url, Figures(counts, Links(filters, first, last)))


def organization_quarters(organization: Organization) -> list[str]:
    """The quarters with anything to report for an organization, newest first: what its reports page lists."""
    months = Tally.objects.filter(dimension=Tally.ORGANIZATION, key=organization.slug).values_list("month", flat=True)
    return sorted({quarter_label(month) for month in months}, reverse=True)
