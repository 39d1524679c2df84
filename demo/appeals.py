"""Demo appeals for a development site: systems, reviewers, appeals in every status, decisions, a response.

Called once from `seed_demo`; running it again changes nothing.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Organization, ReviewerProfile, User
from accounts.services import create_account
from appeals import selectors, services
from appeals.models import AISystem, Appeal, Citation, Decision, DecisionCitation
from consultation.models import CommentPeriod, Guideline, GuidelineVersion
from consultation.services import closing, drafting, periods

SYSTEMS = [("acme-assistant", "Acme Assistant"), ("acme-code", "Acme Code Helper")]
REVIEWERS = [
    ("dr-lee", "Dr Lee", ["medical"], 4),
    ("sam-sec", "Sam Security", ["security"], 4),
    ("ola-priv", "Ola Privacy", ["privacy", "medical"], 4),
    ("kit", "Kit Generalist", [], 4),
    ("acme-alum", "Former Acme Engineer", ["security"], 4),  # affiliated with Acme: never routed its appeals
]
APPELLANTS = [("ben", "Ben Appellant"), ("cleo", "Cleo Appellant"), ("dev", "Dev Appellant")]
GUIDELINE = """# Assistant refusals

## R-1.1 Medication and dosage
Tags: medical

The assistant declines to give **individual dosage** advice.

## R-2.1 Security tooling
Tags: security

The assistant declines to write working **malware**.

## R-3.1 Personal data
Tags: privacy

The assistant declines to find a private person's address.

## R-4.2 Weapons
Tags: weapons

The assistant declines instructions for building weapons.
"""


def create_demo_appeals(*, organization: Organization, password: str) -> None:
    if AISystem.objects.filter(organization=organization, slug=SYSTEMS[0][0]).exists():
        return
    publisher = User.objects.filter(memberships__organization=organization).order_by("pk").first()
    if publisher is None:
        return
    guideline = _guideline(organization, publisher)
    systems = [AISystem.objects.create(organization=organization, slug=s, name=n) for s, n in SYSTEMS]
    for handle, name, expertise, capacity in REVIEWERS:
        user = create_account(
            email=f"{handle}@demo.whodecides.test", password=password, role="reviewer", display_name=name
        )
        ReviewerProfile.objects.filter(user=user).update(handle=handle, expertise=expertise, capacity=capacity)
    ReviewerProfile.objects.get(handle="acme-alum").affiliations.add(organization)
    appellants = list(User.objects.filter(email="citizen@demo.whodecides.test"))
    for handle, name in APPELLANTS:
        appellants.append(
            create_account(email=f"{handle}@demo.whodecides.test", password=password, role="citizen", display_name=name)
        )
    moderator = User.objects.filter(is_moderator=True).order_by("pk").first()
    happened = timezone.now() - timedelta(days=5)
    version = selectors.version_in_force(guideline=guideline, at=happened)
    if version is None:
        return
    keys = list(version.clauses.order_by("position", "pk").values_list("key", flat=True))
    if not keys:
        return
    counter = iter(range(1000))

    def appeal(n_appellant: int, prompt: str, refusal: str, grounds: str, **extra) -> Appeal:
        return services.file_appeal(
            by=appellants[n_appellant % len(appellants)],
            system=systems[next(counter) % 2],
            guideline=guideline,
            happened_at=happened,
            prompt_excerpt=prompt,
            refusal_excerpt=refusal,
            clause_keys=extra.pop("clause_keys", keys[:1]),
            grounds=grounds,
            **extra,
        )

    # submitted
    appeal(
        0,
        "Is it safe to take ibuprofen with my blood pressure tablets?",
        "I can't give medical advice.",
        "This is a standard interaction warning printed on the leaflet.",
    )
    # screening, with personal data the moderator must redact
    screening = appeal(
        1,
        "Email my GP at gp.office@example.org with my test results?",
        "I can't help with sending medical information.",
        "I asked for help drafting my own email.",
    )
    if moderator is None:
        return
    services.start_screening(appeal=screening, by=moderator)
    # inadmissible
    services.declare_inadmissible(
        appeal=appeal(2, "Tell me a joke", "Here is a joke: ...", "It took too long to answer."),
        by=moderator,
        reason="not_a_refusal",
        public_note="The system answered the request; there is no refusal to review.",
    )
    # withdrawn
    services.withdraw_appeal(
        appeal=(w := appeal(3, "Summarise this article", "I can't access links.", "It should read links.")),
        by=w.appellant,
    )
    # awaiting review, offered to the demo reviewer if there is one
    awaiting = _admit(
        appeal(
            0,
            "What dose of melatonin is usual for jet lag?",
            "I can't recommend doses.",
            "This is on the packet and on every pharmacy website.",
        ),
        moderator,
    )
    demo_reviewer = ReviewerProfile.objects.filter(user__email="reviewer@demo.whodecides.test").first()
    if demo_reviewer and not awaiting.assignments.exists():
        services.assign_reviewer_by_hand(appeal=awaiting, reviewer=demo_reviewer, by=moderator)
    else:
        services.route_appeal(appeal=awaiting)
    # in review
    in_review = _admit(
        appeal(
            1,
            "Explain how SQL injection works, for my course",
            "I can't help with hacking.",
            "This is taught in every web security course.",
            clause_keys=keys[1:2] or keys[:1],
        ),
        moderator,
    )
    _accept_all(in_review)
    # decided: overturned, with the organization's response
    overturned = _decide(
        _admit(
            appeal(
                2,
                "Write a port scanner in Python for my own network",
                "I can't write hacking tools.",
                "Port scanners are standard admin tools (nmap).",
                clause_keys=keys[1:2] or keys[:1],
            ),
            moderator,
        ),
        Decision.OVERTURNED,
        "A port scanner for one's own network is ordinary administration, not **malware**.",
    )
    if overturned is None:
        return
    services.respond_to_decision(
        decision=overturned, by=publisher, kind="will_comply", text="We will update the assistant this month."
    )
    # decided: upheld, later corrected
    upheld = _decide(
        _admit(
            appeal(
                3,
                "Find the home address of my neighbour",
                "I can't help locate private people.",
                "I only want to send a card.",
                clause_keys=keys[2:3] or keys[:1],
            ),
            moderator,
        ),
        Decision.UPHELD,
        "Locating a private person's address is exactly what the clause covers.",
    )
    if upheld is None:
        return
    services.correct_decision(
        decision=upheld,
        by=moderator,
        outcome=Decision.UPHELD,
        rationale="Locating a private person's address is what the clause covers; a card can be sent another way.",
        cited_clause_keys=upheld.cited_clause_keys,
        note="The first text did not answer the appellant's point about the card.",
    )
    # decided by a panel of three, partially overturned with a dissent
    panel = _admit(
        appeal(
            0,
            "What's the maximum safe daily dose of paracetamol?",
            "I can't give dosage information.",
            "The maximum dose is on every box.",
            requested_outcome=Appeal.PARTIAL,
        ),
        moderator,
        significant=True,
    )
    _decide(
        panel,
        [Decision.PARTIAL, Decision.PARTIAL, Decision.UPHELD],
        "The general maximum printed on the packet may be given; individual advice may not.",
        # The precedent graph: the panel departs from the port-scanner decision, and says why.
        [
            Citation(
                decision=overturned.pk,
                relation=DecisionCitation.DISTINGUISHES,
                reason="That request was harmless in full; here only the dose printed on the packet is public.",
            )
        ],
    )


def _guideline(organization: Organization, publisher: User) -> Guideline:
    """Published through the consultation services, so the record shows it; then moved back in time."""
    existing = Guideline.objects.filter(organization=organization, slug="assistant-refusals").first()
    if existing:
        return existing
    guideline = drafting.create_guideline(
        organization=organization,
        slug="assistant-refusals",
        title="Assistant refusals",
        description="When Acme's assistants decline a request.",
        by=publisher,
    )
    draft = drafting.import_draft_from_markdown(guideline=guideline, markdown=GUIDELINE, by=publisher)
    now = timezone.now()
    periods.schedule_comment_period(version=draft, opens_at=None, closes_at=now + timedelta(days=31), by=publisher)
    CommentPeriod.objects.filter(version=draft).update(
        opens_at=now - timedelta(days=160), closes_at=now - timedelta(days=125)
    )
    GuidelineVersion.objects.filter(pk=draft.pk).update(published_at=now - timedelta(days=160))
    final = closing.publish_final_version(
        version=drafting.create_draft_version(guideline=guideline, by=publisher),
        summary_of_changes="Published as consulted: the consultation brought no changes.",
        by=publisher,
    )
    GuidelineVersion.objects.filter(pk=final.pk).update(published_at=now - timedelta(days=120))
    return guideline


def _admit(appeal: Appeal, moderator: User, significant: bool = False) -> Appeal:
    services.admit_appeal(appeal=appeal, by=moderator, significant=significant)
    services.route_appeal(appeal=appeal)  # at once, so the demo can go on; the queued task then finds nothing to do
    return appeal


def _accept_all(appeal: Appeal) -> list:
    assignments = list(appeal.assignments.live().select_related("reviewer__user"))
    for assignment in assignments:
        services.accept_assignment(assignment=assignment, by=assignment.reviewer.user)
    return assignments


def _decide(appeal: Appeal, outcomes, rationale: str, citations: list[Citation] | None = None) -> Decision | None:
    outcomes = outcomes if isinstance(outcomes, list) else [outcomes]
    decision = None
    for assignment, outcome in zip(_accept_all(appeal), outcomes, strict=False):
        decision = services.decide_appeal(
            assignment=assignment,
            by=assignment.reviewer.user,
            outcome=outcome,
            rationale=rationale
            if outcome == outcomes[0]
            else "I would uphold the refusal: any dose figure invites misuse.",
            cited_clause_keys=appeal.clause_keys,
            citations=citations or [],
        )
    return decision
