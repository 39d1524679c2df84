"""Computing a consultation's opinion groups from its votes and publishing them (consultation/opinion_groups.py
does the computing; this reads the votes and stores the result)."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from consultation.models import GroupMembership, GuidelineVersion, OpinionGroups, Participant, Statement, Vote
from core.caching import renew_after_commit

if TYPE_CHECKING:
    from consultation.opinion_groups import Votes

MEMBERSHIP_BATCH = 2000


def published_groups(version: GuidelineVersion) -> OpinionGroups | None:
    """The newest computation is the published one."""
    return OpinionGroups.objects.filter(version=version).order_by("-computed_at", "-pk").first()


def has_new_votes(version: GuidelineVersion) -> bool:
    """Whether any vote was cast or changed since the published computation (or none was ever made)."""
    published = published_groups(version)
    if published is None:
        return Vote.objects.filter(statement__version=version).exists()
    return Vote.objects.filter(statement__version=version, updated_at__gte=published.computed_at).exists()


def versions_with_new_votes() -> list[int]:
    """Versions under consultation (open, or closed and waiting for the final text) whose groups are behind."""
    versions = GuidelineVersion.objects.filter(status=GuidelineVersion.CONSULTATION, statements__isnull=False)
    return [version.pk for version in versions.distinct() if has_new_votes(version)]


def the_votes(version: GuidelineVersion) -> "Votes":
    # Imported here: scikit-learn takes a second to import, which every process (each manage.py command) would pay.
    from consultation.opinion_groups import Votes

    """Every vote on the version, by pseudonym: exactly what the open data's votes file holds."""
    rows = Vote.objects.filter(statement__version=version).order_by()
    return Votes.from_rows(rows.values_list("participant__pseudonym", "statement_id", "vote").iterator(chunk_size=5000))


def publish_opinion_groups(*, version: GuidelineVersion) -> OpinionGroups:
    """Compute the groups and store them with each clustered participant's group and point, unless no vote changed
    since the published computation (then that one stands: running twice stores nothing twice). The version's
    cached pages are renewed when it is stored."""
    published = published_groups(version)
    if published is not None and not has_new_votes(version):
        return published
    started = timezone.now()  # a vote stored while the votes are read is newer than the computation: caught next time
    from consultation.opinion_groups import compute

    groups = compute(the_votes(version))
    shown = version.statements.filter(status=Statement.SHOWN).select_related("clause")
    texts = {s.pk: (s.text, s.clause.key if s.clause else None) for s in shown}
    pseudonyms = dict(Participant.objects.filter(version=version).values_list("pseudonym", "pk"))
    with transaction.atomic():
        computation = OpinionGroups.objects.create(
            version=version,
            votes_seen=groups.votes_seen,
            participants=groups.participants,
            clustered=len(groups.clustered),
            result=groups.document(texts),
        )
        OpinionGroups.objects.filter(pk=computation.pk).update(computed_at=started)
        computation.computed_at = started
        GroupMembership.objects.bulk_create(
            (
                GroupMembership(computation=computation, participant_id=pseudonyms[key], group=int(group), x=x, y=y)
                for key, group, (x, y) in zip(groups.clustered, groups.labels, groups.points.tolist(), strict=True)
            ),
            batch_size=MEMBERSHIP_BATCH,
        )
        guideline = version.guideline
        renew_after_commit(f"guideline:{guideline.organization.slug}/{guideline.slug}")
    return computation
