"""Demo history for the statistics: two more organizations, and appeals filed and decided over the past months
across organizations, systems and topics, so /statistics/ and the quarterly reports have something to show.

The services run on a demo clock set in the past, so appeals, decisions and comments carry past dates; the public
record keeps the real time of each entry, so it still reads in order. Called once from `seed_demo`; running it again
changes nothing."""

from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from types import SimpleNamespace
from unittest import mock

from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Organization, ReviewerProfile, User
from accounts.services import create_account, create_organization
from appeals import services
from appeals.models import AISystem, Appeal, AppealEvent, Decision, Vote
from consultation.models import Comment, Guideline
from consultation.services import closing, comments, drafting, periods
from demo.cases import appeal_texts, rationale

ORGANIZATIONS = [
    ("globex", "Globex Labs", [("globex-chat", "Globex Chat"), ("globex-vision", "Globex Vision")]),
    ("initech", "Initech", [("initech-copilot", "Initech Copilot"), ("initech-search", "Initech Search")]),
]
GUIDELINE = """# Model refusals

## P-1.1 Elections and candidates
Tags: political

The model declines to write persuasive content about candidates in an election.

## P-2.1 Religious texts
Tags: religious

The model declines to produce satirical versions of religious texts.

## P-3.1 Medicines
Tags: medical

The model declines to state doses of prescription medicines.

## P-4.1 Exploits
Tags: security

The model declines to write working exploits for known vulnerabilities.
"""
# How each topic tends to fare, so the figures differ by topic as real ones would: a cycle of outcomes per clause.
OUTCOMES = {
    "P-1.1": [Decision.OVERTURNED, Decision.OVERTURNED, Decision.PARTIAL, Decision.UPHELD],
    "P-2.1": [Decision.UPHELD, Decision.OVERTURNED, Decision.UPHELD],
    "P-3.1": [Decision.PARTIAL, Decision.OVERTURNED, Decision.UPHELD],
    "P-4.1": [Decision.UPHELD, Decision.UPHELD, Decision.UPHELD, Decision.OVERTURNED],
}
MONTHS_BACK = 7


@contextmanager
def demo_clock(moment: datetime):
    """Services, and the dates rows take by default, see `moment` as now; the ledger keeps the real time."""
    real = SimpleNamespace(now=timezone.now)
    with ExitStack() as stack:
        stack.enter_context(mock.patch("django.utils.timezone.now", lambda: moment))
        stack.enter_context(mock.patch("ledger.services.timezone", real))
        for model, name in [(Decision, "decided_at"), (Vote, "cast_at"), (AppealEvent, "at"), (Comment, "created_at")]:
            # Fields keep their default in a cached `_get_default`; patching `default` alone would be ignored.
            stack.enter_context(mock.patch.object(model._meta.get_field(name), "_get_default", lambda: moment))
        yield


def create_demo_statistics(*, password: str) -> None:
    if Organization.objects.filter(slug=ORGANIZATIONS[0][0]).exists():
        return
    moderator = User.objects.filter(is_moderator=True).order_by("pk").first()
    appellants = list(
        User.objects.filter(email__endswith="@demo.whodecides.test", is_moderator=False)
        .exclude(memberships__isnull=False)
        .exclude(reviewer_profile__isnull=False)[:4]
    )
    if moderator is None or not appellants or not ReviewerProfile.objects.exists():
        return
    start = timezone.now() - timedelta(days=30 * MONTHS_BACK + 60)
    with override_settings(APPEALS_PER_DAY=10_000):
        for index, (slug, name, system_names) in enumerate(ORGANIZATIONS):
            guideline, systems = _organization(slug, name, system_names, password, start, appellants)
            _appeals(guideline, systems, appellants, moderator, index)


def _organization(slug, name, systems, password, start, appellants) -> tuple[Guideline, list[AISystem]]:
    organization = create_organization(slug=slug, name=name, website=f"https://{slug}.example")
    publisher = create_account(
        email=f"publisher@{slug}.demo.whodecides.test",
        password=password,
        role="publisher",
        display_name=f"{name} Publisher",
        organization=organization,
    )
    created = [AISystem.objects.create(organization=organization, slug=s, name=n) for s, n in systems]
    with demo_clock(start):
        guideline = drafting.create_guideline(
            organization=organization, slug="model-refusals", title="Model refusals", by=publisher
        )
        draft = drafting.import_draft_from_markdown(guideline=guideline, markdown=GUIDELINE, by=publisher)
        periods.schedule_comment_period(
            version=draft, opens_at=None, closes_at=start + timedelta(days=31), by=publisher
        )
    posted = []
    for n, (key, body) in enumerate(
        [
            ("P-1.1", "This stops me drafting a leaflet for my own campaign."),
            ("P-1.1", "Explaining a candidate's record is not persuasion."),
            ("P-3.1", "Standard doses are printed on every leaflet."),
            (None, "The whole draft should say how refusals can be appealed."),
        ]
    ):
        with demo_clock(start + timedelta(days=2 + n)):
            clause = draft.clauses.get(key=key) if key else None
            posted.append(
                comments.post_comment(version=draft, clause=clause, body=body, by=appellants[n % len(appellants)])
            )
    with demo_clock(start + timedelta(days=40)):
        for comment, disposition in zip(posted[:3], ["adopted", "not_adopted", "partially_adopted"], strict=True):
            text = f"We have {disposition.replace('_', ' ')} this: see the final version."
            closing.respond_to_comment(comment=comment, disposition=disposition, text=text, by=publisher)
        final = drafting.create_draft_version(guideline=guideline, by=publisher)
        clause = final.clauses.get(key="P-1.1")
        clause.text = "The model declines to write persuasive content about candidates, except for their own campaign."
        clause.save(update_fields=["text"])
        closing.publish_final_version(
            version=final, summary_of_changes="P-1.1 now allows people to write for their own campaign.", by=publisher
        )
    return guideline, created


def _appeals(
    guideline: Guideline, systems: list[AISystem], appellants: list[User], moderator: User, organization: int
) -> None:
    keys = list(OUTCOMES)
    cycle, filed = dict.fromkeys(keys, 0), dict.fromkeys(keys, 0)
    for month in range(MONTHS_BACK, 0, -1):
        for n in range(4):
            filed_at = timezone.now() - timedelta(days=30 * month - 3 * n)
            key = keys[(month + n) % len(keys)]
            number = filed[key]
            filed[key] += 1
            request, refusal, grounds = appeal_texts(key, number, organization)
            with demo_clock(filed_at):
                appeal = services.file_appeal(
                    by=appellants[(month + n) % len(appellants)],
                    system=systems[n % len(systems)],
                    guideline=guideline,
                    happened_at=filed_at - timedelta(days=1),
                    prompt_excerpt=request,
                    refusal_excerpt=refusal,
                    clause_keys=[key],
                    grounds=grounds,
                )
            if (month + n) % 7 == 0:
                with demo_clock(filed_at + timedelta(days=2)):
                    services.declare_inadmissible(
                        appeal=appeal, by=moderator, reason="insufficient", public_note="The refusal is not quoted."
                    )
                continue
            if (month + n) % 9 == 0:
                with demo_clock(filed_at + timedelta(days=4)):
                    services.withdraw_appeal(appeal=appeal, by=appeal.appellant)
                continue
            outcome = OUTCOMES[key][cycle[key] % len(OUTCOMES[key])]
            cycle[key] += 1
            took: int | None = 8 + 17 * ((month * 4 + n) % 6)  # some beyond the 90-day deadline
            if n == 3 and month in (1, 5):
                took = None  # never decided: one still in review, one long past its deadline
            _decide(appeal, moderator, filed_at, outcome, took, rationale(key, number, organization, outcome))


def _decide(appeal: Appeal, moderator: User, filed_at: datetime, outcome: str, took: int | None, why: str) -> None:
    with demo_clock(filed_at + timedelta(days=3)):
        services.admit_appeal(appeal=appeal, by=moderator)
        offered = services.route_appeal(appeal=appeal).offered
    if not offered or took is None or filed_at + timedelta(days=took) > timezone.now():
        return
    assignment = appeal.assignments.select_related("reviewer__user").get(pk=offered[0].pk)
    with demo_clock(filed_at + timedelta(days=4)):
        services.accept_assignment(assignment=assignment, by=assignment.reviewer.user)
    with demo_clock(filed_at + timedelta(days=took)):
        services.decide_appeal(
            assignment=assignment,
            by=assignment.reviewer.user,
            outcome=outcome,
            rationale=why,
            cited_clause_keys=appeal.clause_keys,
        )
