"""Many decided appeals for load tests (manage.py seed_scale), written in bulk with everything the services write.

Each appeal is filed, admitted, reviewed and decided as `file_appeal`, `admit_appeal` and `decide_appeal` would
leave it: refusal, appeal, contested clause, timeline events, assignments (one completed with its vote, the
others declined: the reviewers' history routing must not slow down with), decision, cited clause, search
document and ledger entries. Public ids come from the year's counter, so later filings go on without a gap.
"""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import ReviewerProfile, User
from appeals.models import (
    AISystem,
    Appeal,
    AppealCounter,
    AppealEvent,
    Assignment,
    CitedClause,
    ContestedClause,
    Decision,
    DecisionSearch,
    Refusal,
    Vote,
)
from appeals.services.indexing import search_document
from consultation.models import Guideline, GuidelineVersion
from core.markdown import render_markdown
from ledger.bulk import append_many
from ledger.content import text_sha256
from ledger.kinds import EntryKind

BATCH = 2_000
OUTCOMES = [Decision.OVERTURNED, Decision.UPHELD, Decision.PARTIAL]
WORDS = ["privacy", "malware", "travel", "finance", "housing", "school", "election", "language", "translation", "art"]


def scale_reviewers(*, count: int, domain: str = "scale.whodecides.test") -> list[ReviewerProfile]:
    """`count` reviewers without affiliations, made once and reused by later runs."""
    existing = list(ReviewerProfile.objects.filter(user__email__endswith=f"@reviewers.{domain}").order_by("pk"))
    missing = count - len(existing)
    if missing > 0:
        start, password = len(existing), make_password(None)
        users = User.objects.bulk_create(
            User(email=f"reviewer{n}@reviewers.{domain}", display_name=f"Reviewer {n}", password=password)
            for n in range(start, start + missing)
        )
        ReviewerProfile.objects.bulk_create(
            ReviewerProfile(user=user, handle=f"scale-reviewer-{start + n}", capacity=3, expertise=[WORDS[n % 10]])
            for n, user in enumerate(users)
        )
        existing = list(ReviewerProfile.objects.filter(user__email__endswith=f"@reviewers.{domain}").order_by("pk"))
    return existing[:count] if count else existing


def create_decided_appeals(
    *,
    count: int,
    guideline: Guideline,
    system: AISystem,
    moderator: User,
    appellants: list[User],
    assignments: int = 0,
) -> int:
    """`count` decided appeals against `guideline` (about `system`), with `assignments` assignments in all (at
    least one per appeal). Returns how many appeals were written."""
    version = GuidelineVersion.objects.filter(guideline=guideline, status=GuidelineVersion.FINAL).latest("number")
    clauses = list(version.clauses.order_by("position"))
    per_appeal = max(1, -(-assignments // count)) if count else 0
    reviewers = scale_reviewers(count=max(per_appeal, 10))
    now = timezone.now()
    written = 0
    while written < count:
        size = min(BATCH, count - written)
        with transaction.atomic():
            numbers = _reserve_public_ids(now.year, size)
            _write_batch(
                numbers=numbers,
                offset=written,
                version=version,
                clauses=clauses,
                system=system,
                moderator=moderator,
                appellants=appellants,
                reviewers=reviewers,
                per_appeal=per_appeal,
                now=now,
            )
        written += size
    return written


def _reserve_public_ids(year: int, size: int) -> range:
    AppealCounter.objects.get_or_create(year=year)
    counter = AppealCounter.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += size
    counter.save(update_fields=["last"])
    return range(first, first + size)


def _write_batch(*, numbers, offset, version, clauses, system, moderator, appellants, reviewers, per_appeal, now):
    guideline, organization = version.guideline, system.organization
    filed_at = now - timedelta(days=60)
    refusals = Refusal.objects.bulk_create(
        Refusal(
            system=system,
            happened_at=filed_at - timedelta(days=1),
            prompt_excerpt=f"Question {number} about {WORDS[number % 10]}",
            refusal_excerpt="I can't help with that.",
            public_prompt_excerpt=f"Question {number} about {WORDS[number % 10]}",
            public_refusal_excerpt="I can't help with that.",
        )
        for number in numbers
    )
    appeals = Appeal.objects.bulk_create(
        Appeal(
            public_id=f"A-{now.year}-{number:06d}",
            appellant=appellants[(offset + n) % len(appellants)],
            refusal=refusal,
            guideline=guideline,
            version=version,
            grounds=f"The refusal about {WORDS[number % 10]} was wrong: the answer is public.",
            public_grounds=f"The refusal about {WORDS[number % 10]} was wrong: the answer is public.",
            status=Appeal.DECIDED,
            filed_at=filed_at,
            deadline=filed_at + timedelta(days=90),
            screened_by=moderator,
            admitted_by=moderator,
            closed_at=filed_at + timedelta(days=10),
        )
        for n, (number, refusal) in enumerate(zip(numbers, refusals, strict=True))
    )
    keys = [clauses[(offset + n) % len(clauses)] for n in range(len(appeals))]
    ContestedClause.objects.bulk_create(
        ContestedClause(appeal=appeal, guideline=guideline, key=clause.key)
        for appeal, clause in zip(appeals, keys, strict=True)
    )
    decisions = Decision.objects.bulk_create(
        Decision(
            appeal=appeal,
            organization=organization,
            system=system,
            outcome=OUTCOMES[(offset + n) % 3],
            rationale=_rationale(offset + n),
            rationale_html=render_markdown(_rationale(offset + n)),
            decided_at=filed_at + timedelta(days=10),
        )
        for n, appeal in enumerate(appeals)
    )
    CitedClause.objects.bulk_create(
        CitedClause(decision=decision, key=clause.key) for decision, clause in zip(decisions, keys, strict=True)
    )
    DecisionSearch.objects.bulk_create(
        DecisionSearch(
            decision=decision,
            document=search_document(
                appeal,
                decision,
                organization=system.organization,
                system=system,
                refusal=appeal.refusal,
                clauses=[f"{clause.key} {clause.heading}"],
            ),
            clauses=f"{clause.key} {clause.heading}",
        )
        for appeal, decision, clause in zip(appeals, decisions, keys, strict=True)
    )
    history = Assignment.objects.bulk_create(
        Assignment(
            appeal=appeal,
            reviewer=reviewers[(offset + n + k) % len(reviewers)],
            status=Assignment.COMPLETED if k == 0 else Assignment.DECLINED,
            offered_at=filed_at + timedelta(days=1),
            offer_expires_at=filed_at + timedelta(days=3),
            responded_at=filed_at + timedelta(days=2),
            completed_at=filed_at + timedelta(days=10) if k == 0 else None,
            reason="chosen by routing (seed_scale)",
        )
        for n, appeal in enumerate(appeals)
        for k in range(per_appeal)
    )
    Vote.objects.bulk_create(
        Vote(
            assignment=assignment,
            decision=decision,
            outcome=decision.outcome,
            rationale=decision.rationale,
            rationale_html=decision.rationale_html,
            cast_at=decision.decided_at,
        )
        for assignment, decision in zip(history[::per_appeal], decisions, strict=True)
    )
    AppealEvent.objects.bulk_create(
        AppealEvent(appeal=appeal, at=at, kind=kind, actor=actor)
        for appeal, decision in zip(appeals, decisions, strict=True)
        for at, kind, actor in [
            (appeal.filed_at, EntryKind.APPEAL_FILED.step, appeal.appellant_label),
            (decision.decided_at, EntryKind.APPEAL_DECIDED.step, "reviewer"),
        ]
    )
    events = _events(appeals, decisions, keys, history[::per_appeal], system)
    append_many(events, start=now - timedelta(microseconds=2 * len(appeals)))


def _rationale(n: int) -> str:
    about = WORDS[n % 10]
    extra = " The dosage on the label is public." if n % 1000 == 0 else ""
    return f"Decision {n} about {about}: the clause was applied as written, for reasons of *{about}*.{extra}"


def _events(appeals, decisions, clauses, completed, system):
    for appeal, decision, clause, assignment in zip(appeals, decisions, clauses, completed, strict=True):
        base = {"public_id": appeal.public_id}
        yield (
            EntryKind.APPEAL_FILED,
            appeal.subject,
            {
                **base,
                "status": Appeal.SUBMITTED,
                "organization": system.organization.slug,
                "system": system.slug,
                "guideline": appeal.guideline.slug,
                "version": appeal.version.number,
                "clauses": [clause.key],
                "deadline": appeal.deadline.isoformat(),
            },
        )
        vote = {"reviewer": assignment.reviewer.handle, "outcome": decision.outcome}
        yield (
            EntryKind.APPEAL_DECIDED,
            appeal.subject,
            {
                **base,
                "status": Appeal.DECIDED,
                "decision": decision.pk,
                "outcome": decision.outcome,
                "cited_clauses": [clause.key],
                "cited_decisions": [],
                "votes": [vote],
                "recommendations": [],
                "rationale_sha256": text_sha256(decision.rationale),
            },
        )
