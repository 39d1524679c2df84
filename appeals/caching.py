"""Which cached pages an appeal's public change touches (see core.caching)."""

from collections.abc import Iterable

from appeals.models import Appeal, Recommendation
from core.caching import tags_for_subject


@tags_for_subject("appeal")
def appeal_tags(name: str, payload: dict) -> Iterable[str]:
    """Its own page, the decision database, and its guideline's pages, which count the appeals on each clause."""
    org, slug = Appeal.objects.values_list("guideline__organization__slug", "guideline__slug").get(public_id=name)
    return {f"appeal:{name}", "appeals", "decisions", f"guideline:{org}/{slug}"}


@tags_for_subject("recommendation")
def recommendation_tags(name: str, payload: dict) -> Iterable[str]:
    """The organization's tracker, and the appeal page and decision list that show the recommendation's state."""
    appeal, org = Recommendation.objects.values_list("decision__appeal__public_id", "organization__slug").get(
        public_id=name
    )
    return {f"organization:{org}", f"appeal:{appeal}", "decisions"}


@tags_for_subject("system")
def system_tags(name: str, payload: dict) -> Iterable[str]:
    """A system's receipt keys show on its organization's page and its keys page."""
    return {f"organization:{name.partition('/')[0]}"}
