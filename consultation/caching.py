"""Which cached pages a consultation's public change touches (see core.caching)."""

from collections.abc import Iterable

from consultation.models import Comment, Statement
from core.caching import tags_for_subject


@tags_for_subject("guideline")
def guideline_tags(name: str, payload: dict) -> Iterable[str]:
    """`acme/refusals`: its page and its versions' pages, and the lists that show its status."""
    return {f"guideline:{name}", "consultations"}


@tags_for_subject("version")
def version_tags(name: str, payload: dict) -> Iterable[str]:
    """`acme/refusals/v2`: a version's status shows on its guideline's pages and in the lists."""
    return guideline_tags(name.rsplit("/", 1)[0], payload)


@tags_for_subject("comment")
def comment_tags(name: str, payload: dict) -> Iterable[str]:
    """A comment shows on its version's pages, in the guideline's counts and in the list of comments."""
    version = payload.get("version")  # a new comment names its version; later events only the comment
    if version:
        guideline = version.partition(":")[2].rsplit("/", 1)[0]
    else:
        names = Comment.objects.values_list("version__guideline__organization__slug", "version__guideline__slug")
        org, slug = names.get(pk=int(name))
        guideline = f"{org}/{slug}"
    return {f"guideline:{guideline}", "comments"}


@tags_for_subject("suggestion")
def suggestion_tags(name: str, payload: dict) -> Iterable[str]:
    """A suggestion and its decision show on its version's pages (the counts per clause); both entries name it."""
    version = payload.get("version", "")
    return version_tags(version.partition(":")[2], payload) if version else {"consultations"}


@tags_for_subject("statement")
def statement_tags(name: str, payload: dict) -> Iterable[str]:
    """A statement shows on its version's opinion page once shown; a submitted one names its version."""
    version = payload.get("version")
    if version:
        guideline = version.partition(":")[2].rsplit("/", 1)[0]
    else:
        names = Statement.objects.values_list("version__guideline__organization__slug", "version__guideline__slug")
        org, slug = names.get(pk=int(name))
        guideline = f"{org}/{slug}"
    return {f"guideline:{guideline}"}
