"""Reads that are more than a filter, one module per topic; callers import them from here."""

from appeals.selectors.appeals import OVERDUE, appeals_for_pages, cited_topic, contested_topic, public_appeals, tagged
from appeals.selectors.decisions import (
    OVERTURNED_ANY,
    appeal_decisions,
    decisions_for_pages,
    decisions_to_answer,
    earlier_decisions,
    listed_decisions,
    public_decisions,
    recent_decisions,
    search_decisions,
    with_headlines,
)
from appeals.selectors.filing import appealable_organizations, appealable_under, find_duplicate, version_in_force
from appeals.selectors.organizations import Listing, organization_directory
from appeals.selectors.precedent import leading_decisions, with_citation_counts, with_citations
from appeals.selectors.pressure import clause_pressure
from appeals.selectors.recommendations import (
    Tracker,
    TrackerRow,
    listed_recommendations,
    recommendation_tracker,
    recommendations_to_answer,
    recommendations_with_steps,
)
from appeals.selectors.reviewing import (
    appeals_in_routing,
    assignments_for_pages,
    clause_tags,
    clauses_in_force,
    contested_clauses,
    eligible_reviewers,
    ineligibility_reason,
    moderator_queue,
)

__all__ = [
    "OVERDUE",
    "OVERTURNED_ANY",
    "Listing",
    "Tracker",
    "TrackerRow",
    "appeal_decisions",
    "appealable_organizations",
    "appealable_under",
    "appeals_for_pages",
    "appeals_in_routing",
    "assignments_for_pages",
    "cited_topic",
    "clause_pressure",
    "clause_tags",
    "clauses_in_force",
    "contested_clauses",
    "contested_topic",
    "decisions_for_pages",
    "decisions_to_answer",
    "earlier_decisions",
    "eligible_reviewers",
    "find_duplicate",
    "ineligibility_reason",
    "leading_decisions",
    "listed_decisions",
    "listed_recommendations",
    "moderator_queue",
    "organization_directory",
    "public_appeals",
    "public_decisions",
    "recent_decisions",
    "recommendation_tracker",
    "recommendations_to_answer",
    "recommendations_with_steps",
    "search_decisions",
    "tagged",
    "version_in_force",
    "with_citation_counts",
    "with_citations",
    "with_headlines",
]
