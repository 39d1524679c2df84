"""Which cached pages an appeal's public change touches (see core.caching)."""

from collections.abc import Iterable

from appeals.models import Appeal, Recommendation
from core.caching import tags_for_subject


@tags_for_subject("appeal")
def appeal_tags(name: str, payload: dict) -> Iterable[str]:
    """Its own page, the decision database, and its guideline's pages, which count the appeals on each clause; for a
    decision, also the pages of the decisions it cites."""
    org, slug = Appeal.objects.values_list("guideline__organization__slug", "guideline__slug").get(public_id=name)
    tags = {f"appeal:{name}", "appeals", "decisions", f"guideline:{org}/{slug}"}
    # A decision's citations change the cited decisions' pages (cited by) and their clause pages (leading decisions).
    cited = [c["decision"] for c in payload.get("cited_decisions") or [] if isinstance(c, dict)]
    if cited:
        rows = Appeal.objects.filter(decisions__in=cited).values_list(
            "public_id", "guideline__organization__slug", "guideline__slug"
        )
        for public_id, cited_org, cited_slug in rows.distinct():
            tags |= {f"appeal:{public_id}", f"guideline:{cited_org}/{cited_slug}"}
    return tags


@tags_for_subject("recommendation")
def recommendation_tags(name: str, payload: dict) -> Iterable[str]:
    """The organization's tracker, and the appeal page and decision list that show the recommendation's state."""
    appeal, org = Recommendation.objects.values_list("decision__appeal__public_id", "organization__slug").get(
        public_id=name
    )
    return {f"organization:{org}", f"appeal:{appeal}", "decisions"}


@tags_for_subject("case-comment")
def case_comment_tags(name: str, payload: dict) -> Iterable[str]:
    """The page of the appeal it comments on, which shows it (or its tombstone); every entry of it names the appeal."""
    return {f"appeal:{payload['appeal']}"}


@tags_for_subject("system")
def system_tags(name: str, payload: dict) -> Iterable[str]:
    """A system's receipt keys show on its organization's page and its keys page."""
    return {f"organization:{name.partition('/')[0]}"}
