"""Opinion groups on the demo's open consultation (Cybersecurity requests, v1): the publisher's seeded statements,
citizens' statements (two shown by the moderator, one waiting in the moderators' queue), and 36 voters in three
camps (defenders, the cautious and researchers) who agree on a few things, so the page shows three groups, a
consensus and divisive statements. Built through the services; safe to run again.
"""

import random

from django.db import transaction

from accounts.models import Organization, User
from accounts.services import create_account
from consultation.models import GuidelineVersion
from consultation.services import grouping, opinions

VOTER_DOMAIN = "opinions.demo.whodecides.test"
PEOPLE_PER_CAMP = 12
NOISE = 0.1
SKIP = 0.15

# (clause key or None, text, the three camps' votes: defenders, cautious, researchers; 1 agree, -1 disagree)
SEEDED = [
    ("R-4.3", "The assistant should always help people defend their own systems.", (1, 1, 1)),
    (None, "When the assistant refuses, it should name the clause it refused under.", (1, 1, 1)),
    ("R-4.2", "Authorized penetration testers should get working exploits.", (1, -1, -1)),
    ("R-4.2", "Exploits for old, patched vulnerabilities are harmless to share.", (1, -1, 1)),
    ("R-4.1", "Writing any malware, even for research, should be refused.", (-1, 1, -1)),
    ("R-4.3", "Explaining how an attack works helps attackers more than defenders.", (-1, 1, -1)),
    (None, "The assistant cannot check who is asking, so it should assume the worst.", (-1, 1, 1)),
    ("R-4.2", "Security researchers should be able to register for fewer refusals.", (1, -1, 1)),
    ("R-4.1", "Proof-of-concept code for teaching belongs in the assistant's answers.", (1, -1, 1)),
    (None, "Refusals on security topics are too frequent today.", (1, -1, -1)),
]
CITIZENS: list[tuple[str | None, str, tuple[int, int, int] | None, opinions.Moderation | None]] = [
    ("R-4.2", "Every refused exploit request should be counted in public statistics.", (-1, -1, 1), "show"),
    (None, "Vendors should be told before the assistant explains a new vulnerability.", (-1, 1, 1), "show"),
    ("R-4.1", "Ransomware questions deserve a link to incident-response help.", None, None),
]


def create_demo_opinions(*, organization: Organization) -> None:
    version = GuidelineVersion.objects.filter(
        guideline__organization=organization, guideline__slug="cybersecurity", number=1
    ).first()
    publisher = User.objects.filter(memberships__organization=organization).order_by("pk").first()
    citizen = User.objects.filter(email="citizen@demo.whodecides.test").first()
    moderator = User.objects.filter(is_moderator=True).order_by("pk").first()
    if not (version and publisher and citizen and moderator) or version.statements.exists():
        return
    with transaction.atomic():
        stances = []
        for key, text, stance in SEEDED:
            clause = version.clauses.filter(key=key).first() if key else None
            statement = opinions.submit_statement(version=version, text=text, clause=clause, by=publisher)
            stances.append((statement, stance))
        for key, text, expected, action in CITIZENS:
            clause = version.clauses.filter(key=key).first() if key else None
            statement = opinions.submit_statement(version=version, text=text, clause=clause, by=citizen)
            if action and expected:
                statement = opinions.moderate_statement(statement=statement, action=action, by=moderator)
                stances.append((statement, expected))
        _vote(stances)
        # Here rather than in the queued task: the seed's own transaction holds back on-commit hooks.
        grouping.publish_opinion_groups(version=version)


def _vote(stances) -> None:
    chance = random.Random(18)  # noqa: S311  demo data, the same every run
    for camp, name in enumerate(["defender", "cautious", "researcher"]):
        for n in range(PEOPLE_PER_CAMP):
            person = create_account(
                email=f"{name}{n + 1}@{VOTER_DOMAIN}",
                password=None,
                role="citizen",
                display_name=f"{name.title()} {n + 1}",
            )
            for statement, stance in stances:
                if chance.random() < SKIP:
                    continue
                value = stance[camp] if chance.random() >= NOISE else chance.choice([-1, 0, 1])
                vote = {1: "agree", -1: "disagree", 0: "pass"}[value]
                opinions.cast_vote(statement=statement, vote=vote, by=person)
