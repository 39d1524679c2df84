"""The rows of the opinion-group files: shown statements, every vote under its voter's pseudonym, and each public
version's published groups with their memberships. The votes file is enough to compute the groups again
(consultation.opinion_groups), and the memberships file says what the site found."""

from collections.abc import Iterator

from django.db.models import OuterRef, QuerySet, Subquery

from consultation.models import GroupMembership, GuidelineVersion, OpinionGroups, Statement, Vote
from opendata.shape import (
    BOOLEAN,
    DATETIME,
    GUIDELINE,
    INTEGER,
    NUMBER,
    OBJECT,
    OF_A_PUBLIC_VERSION,
    ORG,
    VERSION,
    VERSION_KEY,
    Dataset,
    Field,
    ForeignKey,
)

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


DATASETS = (
    Dataset(
        name="statements",
        title="Statements",
        description="The statements shown for voting in each consultation (opinion groups, the Pol.is method).",
        fields=(
            ORG,
            GUIDELINE,
            VERSION,
            Field("id", "The statement's number, as in the votes file.", INTEGER),
            Field("clause", "The key of the clause it names, or empty."),
            Field("text", "The statement (at most 280 characters)."),
            Field(
                "seeded", "true when the organization wrote it; false for a citizen's, shown by a moderator.", BOOLEAN
            ),
            Field("agree", "How many voted agree.", INTEGER),
            Field("disagree", "How many voted disagree.", INTEGER),
            Field("pass", "How many voted pass.", INTEGER),
            Field("created_at", "When it was submitted (ISO 8601, UTC).", DATETIME),
        ),
        rows=statement_rows,
        primary_key=("id",),
        foreign_keys=(OF_A_PUBLIC_VERSION,),
    ),
    Dataset(
        name="votes",
        title="Votes on statements",
        description=(
            "Every vote on a statement, under the voter's pseudonym in that consultation (never their name): "
            "enough to compute the opinion groups again, as docs/explanations/opinion-groups.md describes."
        ),
        fields=(
            ORG,
            GUIDELINE,
            VERSION,
            Field("statement", "The statement's number (see the statements file).", INTEGER),
            Field("participant", "The voter's pseudonym in this consultation: random, the same for all their votes."),
            Field("vote", "agree, disagree or pass (their latest; a vote can be changed while the period is open)."),
        ),
        rows=vote_rows,
        primary_key=("statement", "participant"),
        foreign_keys=(OF_A_PUBLIC_VERSION,),
    ),
    Dataset(
        name="opinion-groups",
        title="Opinion groups",
        description="Each consultation's published (newest) computation of its opinion groups.",
        fields=(
            ORG,
            GUIDELINE,
            VERSION,
            Field(
                "computed_at", "When they were computed (ISO 8601, UTC); votes cast after are not in them.", DATETIME
            ),
            Field("votes_seen", "How many votes the computation read.", INTEGER),
            Field("participants", "How many people had voted.", INTEGER),
            Field("clustered", "How many voted enough (7 statements) to be placed in a group.", INTEGER),
            Field(
                "result", "The groups, consensus and divisive statements and the method's parameters (JSON).", OBJECT
            ),
        ),
        rows=group_rows,
        primary_key=VERSION_KEY,
        foreign_keys=(OF_A_PUBLIC_VERSION,),
    ),
    Dataset(
        name="group-memberships",
        title="Opinion group memberships",
        description="The group of every clustered participant in each published computation, and their point.",
        fields=(
            ORG,
            GUIDELINE,
            VERSION,
            Field("participant", "The participant's pseudonym, as in the votes file."),
            Field("group", "The group's number, from 0 (the largest group first).", INTEGER),
            Field("x", "The participant's first projected coordinate.", NUMBER),
            Field("y", "The second.", NUMBER),
        ),
        rows=membership_rows,
        primary_key=(*VERSION_KEY, "participant"),
        foreign_keys=(ForeignKey(VERSION_KEY, "opinion-groups", VERSION_KEY),),
    ),
)
