"""Which cached pages an appeal's public change touches (see core.caching)."""

from collections.abc import Iterable

from appeals.models import Appeal
from core.caching import tags_for_subject


@tags_for_subject("appeal")
def appeal_tags(name: str, payload: dict) -> Iterable[str]:
    """Its own page, the decision database, and its guideline's pages, which count the appeals on each clause."""
    org, slug = Appeal.objects.values_list("guideline__organization__slug", "guideline__slug").get(public_id=name)
    return {f"appeal:{name}", "decisions", f"guideline:{org}/{slug}"}
