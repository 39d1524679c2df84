"""The rows of the opinion-group files: shown statements, every vote under its voter's pseudonym, and each public
version's published groups with their memberships. The votes file is enough to compute the groups again
(consultation.opinion_groups), and the memberships file says what the site found."""

from collections.abc import Iterator

from django.db.models import OuterRef, QuerySet, Subquery

from consultation.models import GroupMembership, GuidelineVersion, OpinionGroups, Statement, Vote

CHUNK = 2000


def _where(version: GuidelineVersion) -> dict:
    guideline = version.guideline
    return {"organization": guideline.organization.slug, "guideline": guideline.slug, "version": version.number}


def statement_rows(tree_size: int) -> Iterator[dict]:
    statements = (
        Statement.objects.filter(version__in=GuidelineVersion.objects.public(), status=Statement.SHOWN)
        .select_related("version__guideline__organization", "clause")
        .order_by("pk")
    )
    for statement in statements.iterator(chunk_size=CHUNK):
        yield {
            **_where(statement.version),
            "id": statement.pk,
            "clause": statement.clause.key if statement.clause else None,
            "text": statement.text,
            "seeded": statement.seeded,
            "agree": statement.agree,
            "disagree": statement.disagree,
            "pass": statement.passed,
            "created_at": statement.created_at.isoformat(),
        }


def vote_rows(tree_size: int) -> Iterator[dict]:
    columns = ("statement__version__guideline__organization__slug", "statement__version__guideline__slug")
    votes = (
        Vote.objects.filter(statement__version__in=GuidelineVersion.objects.public())
        .order_by("pk")
        .values_list(*columns, "statement__version__number", "statement_id", "participant__pseudonym", "vote")
    )
    for organization, guideline, version, statement, participant, vote in votes.iterator(chunk_size=CHUNK):
        yield {
            "organization": organization,
            "guideline": guideline,
            "version": version,
            "statement": statement,
            "participant": participant,
            "vote": vote,
        }


def _published() -> QuerySet[OpinionGroups]:
    newest = OpinionGroups.objects.filter(version=OuterRef("version")).order_by("-computed_at", "-pk").values("pk")
    return OpinionGroups.objects.filter(version__in=GuidelineVersion.objects.public(), pk=Subquery(newest[:1]))


def group_rows(tree_size: int) -> Iterator[dict]:
    published = _published().select_related("version__guideline__organization").order_by("pk")
    for computation in published.iterator(chunk_size=CHUNK):
        yield {
            **_where(computation.version),
            "computed_at": computation.computed_at.isoformat(),
            "votes_seen": computation.votes_seen,
            "participants": computation.participants,
            "clustered": computation.clustered,
            "result": computation.result,
        }


def membership_rows(tree_size: int) -> Iterator[dict]:
    columns = ("computation__version__guideline__organization__slug", "computation__version__guideline__slug")
    memberships = (
        GroupMembership.objects.filter(computation__in=_published())
        .order_by("pk")
        .values_list(*columns, "computation__version__number", "participant__pseudonym", "group", "x", "y")
    )
    for organization, guideline, version, participant, group, x, y in memberships.iterator(chunk_size=CHUNK):
        yield {
            "organization": organization,
            "guideline": guideline,
            "version": version,
            "participant": participant,
            "group": group,
            "x": x,
            "y": y,
        }
