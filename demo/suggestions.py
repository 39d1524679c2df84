"""Suggested wording in the demo: the open consultation has suggestions that people support and oppose; the closed
one has suggestions waiting for the publisher's decisions, so the journey to a final version can be walked."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from consultation.models import CommentPeriod, GuidelineVersion
from consultation.services.suggestions import make_suggestion, take_stance

OPEN = [
    (
        "R-4.2",
        "replace",
        "The assistant declines to write working exploits for vulnerabilities in systems the user does not own, "
        "unless the user describes an authorized test of those systems.",
        "Authorized penetration testers need proofs of concept; the clause should say how they get them.",
    ),
    (
        "R-4.2",
        "insert_after",
        "When it declines under R-4.2, the assistant explains how to report the vulnerability to its owner.",
        "A refusal should still point to the responsible path.",
    ),
    ("R-4.1", "delete", "", "R-4.2 already covers the harmful cases; R-4.1 refuses too much research."),
]
CLOSED = [
    (
        "R-9.1",
        "replace",
        "The assistant declines to find the home address or phone number of a private person, but may find the "
        "published business address of a sole trader.",
        "Sole traders often work from home and publish that address themselves.",
    ),
    (
        "R-9.2",
        "replace",
        "The assistant may repeat what a public figure, such as an elected official, has made public in their "
        "public role.",
        "Say who counts as a public figure.",
    ),
]


def create_demo_suggestions(*, organization: Organization) -> None:
    citizen = User.objects.filter(email="citizen@demo.whodecides.test").first()
    reviewer = User.objects.filter(email="reviewer@demo.whodecides.test").first()
    others = list(User.objects.filter(email__endswith="@campaign.demo.whodecides.test").order_by("pk"))
    if citizen is None or reviewer is None:
        return
    people = [citizen, reviewer, *others]
    with transaction.atomic():
        open_version = _version(organization, "cybersecurity")
        if open_version is not None and not open_version.suggestions.exists():
            _suggest(open_version, OPEN, people)
        closed_version = _version(organization, "data-protection")
        if closed_version is not None and not closed_version.suggestions.exists():
            _while_reopened(closed_version, lambda: _suggest(closed_version, CLOSED, people))


def _version(organization: Organization, slug: str) -> GuidelineVersion | None:
    return (
        GuidelineVersion.objects.select_related("guideline__organization", "comment_period")
        .filter(guideline__organization=organization, guideline__slug=slug, number=1)
        .first()
    )


def _suggest(version: GuidelineVersion, wanted: list[tuple[str, str, str, str]], people: list[User]) -> None:
    """Each suggestion by the next person; the others take stances, more for than against the earlier ones."""
    for index, (key, kind, text, reason) in enumerate(wanted):
        author = people[index % len(people)]
        suggestion = make_suggestion(
            version=version, clause=version.clauses.get(key=key), kind=kind, text=text, reason=reason, by=author
        )
        for number, person in enumerate(p for p in people if p != author):
            if number < len(people) - 2 * index - 2:
                take_stance(suggestion=suggestion, stance="support" if number % 3 else "oppose", by=person)


def _while_reopened(version: GuidelineVersion, act) -> None:
    """Suggestions are made only while a period is open: the demo's closed period is opened for a moment."""
    period = version.comment_period
    opens_at, closes_at = period.opens_at, period.closes_at
    CommentPeriod.objects.filter(pk=period.pk).update(closes_at=timezone.now() + timedelta(minutes=5))
    act()
    CommentPeriod.objects.filter(pk=period.pk).update(opens_at=opens_at, closes_at=closes_at)
