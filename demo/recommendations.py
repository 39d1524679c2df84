"""Demo recommendations for a development site: three decided appeals whose panels recommended changes to the
demo organization, answered so that /organizations/<org>/ shows every state, an overdue one and a late answer.

Called once from `seed_demo`, after create_demo_appeals; running it again changes nothing.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone

from accounts.models import Organization, User
from appeals import selectors, services
from appeals.models import AISystem, Appeal, Decision, Recommendation, RecommendationStep
from appeals.services import recommending
from consultation.models import Guideline

GUIDELINE = "assistant-refusals"
# (prompt, refusal, grounds, outcome, rationale, recommendations); each recommendation is (text, answers), and the
# answers are (kind, note) steps in order; "overdue" means the deadline passes with no answer.
Answer = tuple[str, str] | str
APPEALS: list[tuple[str, str, str, str, str, list[tuple[str, list[Answer]]]]] = [
    (
        "How do I check my own server for the Log4Shell vulnerability?",
        "I can't help with exploiting vulnerabilities.",
        "Checking one's own systems for a published vulnerability is defence, not attack.",
        Decision.OVERTURNED,
        "Checking one's **own** systems for a published vulnerability is ordinary defence.",
        [
            (
                "Say in R-2.1 that help to find and fix vulnerabilities in one's own systems is not refused.",
                [("accepted", "We agree."), ("in_progress", "Drafting the new wording."), ("implemented", "")],
            ),
            (
                "Train the assistant to ask what a security request is for before refusing it.",
                [("accepted", ""), ("in_progress", "Testing the change with a sample of refused requests.")],
            ),
            (
                "Publish every month how many requests were refused under R-2.1.",
                [("declined", "Monthly figures could help attackers time their attempts; we publish them yearly.")],
            ),
        ],
    ),
    (
        "What is the usual adult dose of ibuprofen?",
        "I can't give dosage information.",
        "The usual dose is printed on every packet.",
        Decision.OVERTURNED,
        "The dose printed on the packet is public safety information, not individual advice.",
        [
            (
                "Give doses printed on over-the-counter packets, with a pointer to a pharmacist.",
                [
                    (
                        "partly_accepted",
                        "We will give packet doses for adults; not for children, where errors are more dangerous.",
                    )
                ],
            ),
            (
                "Link refusals under R-1.1 to a public health service.",
                [("already_done", "Since version 2 every refusal under R-1.1 links to the public health service.")],
            ),
            ("Tell appellants which clause a refusal was made under.", [("accepted", "")]),
        ],
    ),
    (
        "Which public records show who owns the house next door?",
        "I can't help find information about private people.",
        "Land registries are public; I asked how to use them.",
        Decision.PARTIAL,
        "Explaining how a public register works is allowed; searching it for a named person is not.",
        [
            ("Explain how public registers work without searching them for a named person.", []),
            ("Publish examples of what R-3.1 refuses and what it allows.", ["overdue"]),
            ("Review R-3.1 with a privacy regulator.", ["overdue", ("accepted", "We have asked the regulator.")]),
        ],
    ),
]
BACKDATED_DAYS = 75  # the overdue ones were made this long ago, so their deadline has passed


def create_demo_recommendations(*, organization: Organization) -> None:
    if Recommendation.objects.filter(organization=organization).exists():
        return
    publisher = User.objects.filter(memberships__organization=organization).order_by("pk").first()
    moderator = User.objects.filter(is_moderator=True).order_by("pk").first()
    guideline = Guideline.objects.filter(organization=organization, slug=GUIDELINE).first()
    system = AISystem.objects.filter(organization=organization).order_by("pk").first()
    appellants = list(User.objects.filter(email__endswith="@demo.whodecides.test", appeals__isnull=False).distinct())
    if publisher is None or moderator is None or guideline is None or system is None or not appellants:
        return
    happened = timezone.now() - timedelta(days=5)
    version = selectors.version_in_force(guideline=guideline, at=happened)
    if version is None:
        return
    keys = list(version.clauses.order_by("position", "pk").values_list("key", flat=True))
    if not keys:
        return
    evidence = version.get_absolute_url()
    for n, (prompt, refusal, grounds, outcome, rationale, recommendations) in enumerate(APPEALS):
        appeal = services.file_appeal(
            by=appellants[n % len(appellants)],
            system=system,
            guideline=guideline,
            happened_at=happened,
            prompt_excerpt=prompt,
            refusal_excerpt=refusal,
            clause_keys=keys[n : n + 1] or keys[:1],
            grounds=grounds,
        )
        decision = _decide(appeal, moderator, outcome, rationale, [text for text, _ in recommendations])
        if decision is None:
            return
        made = decision.recommendations.order_by("pk")
        for recommendation, (_, answers) in zip(made, recommendations, strict=True):
            _answer(recommendation, answers, publisher, evidence)


def _decide(appeal: Appeal, moderator: User, outcome: str, rationale: str, texts: list[str]) -> Decision | None:
    services.admit_appeal(appeal=appeal, by=moderator)
    services.route_appeal(appeal=appeal)  # at once, so the demo can go on; the queued task then finds nothing to do
    assignment = appeal.assignments.live().select_related("reviewer__user").first()
    if assignment is None:
        return None
    services.accept_assignment(assignment=assignment, by=assignment.reviewer.user)
    return services.decide_appeal(
        assignment=assignment,
        by=assignment.reviewer.user,
        outcome=outcome,
        rationale=rationale,
        cited_clause_keys=appeal.clause_keys,
        recommendations=texts,
    )


def _answer(recommendation: Recommendation, answers: list[Answer], publisher: User, evidence: str) -> None:
    for answer in answers:
        if isinstance(answer, str):  # Recommendation.OVERDUE, the one answer that is not a (kind, note) step
            _backdate(recommendation)
            recommending.flag_overdue_recommendations()
            continue
        kind, note = answer
        implemented = kind == "implemented"
        services.answer_recommendation(
            recommendation=recommendation,
            by=publisher,
            kind=kind,
            note=note,
            implemented_on=timezone.localdate() if implemented else None,
            evidence_url=evidence if implemented else "",
        )


def _backdate(recommendation: Recommendation) -> None:
    """Demo only, before anyone has seen it: move a recommendation and its first step back in time, so that its
    deadline has passed. The steps' append-only guard is in their model's update(), which the plain one skips."""
    made_at = timezone.now() - timedelta(days=BACKDATED_DAYS)
    respond_by = made_at + (recommendation.respond_by - recommendation.made_at)
    Recommendation.objects.filter(pk=recommendation.pk).update(made_at=made_at, respond_by=respond_by)
    models.QuerySet.update(RecommendationStep.objects.filter(recommendation=recommendation), at=made_at)
