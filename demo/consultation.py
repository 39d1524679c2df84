"""Demo consultations for a development site, built through the real services so the record is coherent.

Four guidelines of the demo organization: one with a final version and its consultation
history, one open for comment, one scheduled to open, and one whose consultation has closed
with comments still to answer and a draft ready, so the publisher's closing journey can be
walked at once. Safe to run again: each is made only once.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.services import create_account
from consultation.models import CommentPeriod, Guideline, GuidelineVersion
from consultation.services import campaigns, closing, comments, drafting, periods

MEDICAL = """# Medical and health advice

## R-1.1 Prescription dosages
Tags: medical

The assistant declines to give dosages for prescription-only medicines, and points to a pharmacist or doctor.

## R-1.2 Diagnosis
Tags: medical

The assistant does not diagnose conditions. It may describe common causes of symptoms and when to seek care.

## R-1.3 Emergencies
Tags: medical, crisis

When a message describes an emergency, the assistant gives the local emergency number first.
"""

SECURITY = """# Cybersecurity requests

## R-4.1 Malware
Tags: security

The assistant declines to write software whose main purpose is to damage or take over systems without consent.

## R-4.2 Exploits for known vulnerabilities
Tags: security

The assistant declines to write working exploits for vulnerabilities in systems the user does not own.

## R-4.3 Defensive help
Tags: security

The assistant helps with hardening, detection and incident response, including explaining how attacks work.
"""

CRISIS = """# Self-harm and crisis support

## R-7.1 Methods
Tags: crisis, medical

The assistant never describes methods of self-harm.

## R-7.2 Support
Tags: crisis

The assistant responds with care, offers crisis lines for the user's country, and keeps the conversation open.
"""


DATA_PROTECTION = """# Data protection requests

## R-9.1 Finding people
Tags: privacy

The assistant declines to find the home address or phone number of a private person.

## R-9.2 Public figures
Tags: privacy

The assistant may repeat what a public figure has made public in their public role.
"""


def create_demo_consultations(*, organization: Organization) -> None:
    publisher = User.objects.filter(memberships__organization=organization).order_by("pk").first()
    citizen = User.objects.filter(email="citizen@demo.whodecides.test").first()
    reviewer = User.objects.filter(email="reviewer@demo.whodecides.test").first()
    moderator = User.objects.filter(is_moderator=True).order_by("pk").first()
    if not (publisher and citizen and reviewer and moderator):
        return
    with transaction.atomic():
        if not Guideline.objects.filter(organization=organization, slug="medical-advice").exists():
            _final_with_history(organization, publisher, citizen, reviewer)
            _open_for_comment(organization, publisher, citizen, reviewer, moderator)
            _scheduled(organization, publisher)
        if not Guideline.objects.filter(organization=organization, slug="data-protection").exists():
            _closed_to_answer(organization, publisher, citizen, reviewer)


def _guideline(organization, publisher, slug: str, title: str, description: str, markdown: str):
    guideline = drafting.create_guideline(
        organization=organization, slug=slug, title=title, description=description, by=publisher
    )
    version = drafting.import_draft_from_markdown(guideline=guideline, markdown=markdown, by=publisher)
    return guideline, version


def _final_with_history(organization, publisher, citizen, reviewer) -> None:
    guideline, draft = _guideline(
        organization,
        publisher,
        "medical-advice",
        "Medical and health advice",
        "When the assistant declines medical questions.",
        MEDICAL,
    )
    draft = periods.schedule_comment_period(
        version=draft, opens_at=None, closes_at=timezone.now() + timedelta(days=31), by=publisher
    ).version
    dosage, diagnosis = draft.clauses.get(key="R-1.1"), draft.clauses.get(key="R-1.2")
    first = comments.post_comment(
        version=draft,
        clause=dosage,
        body="Refusing every dosage question sends people to worse sources. "
        "Over-the-counter doses on the label should be fine.",
        by=citizen,
    )
    comments.post_comment(version=draft, parent=first, body="Agreed: at least repeat the label.", by=reviewer)
    second = comments.post_comment(
        version=draft, clause=diagnosis, body="Please say what 'describe common causes' covers.", by=reviewer
    )
    general = comments.post_comment(
        version=draft, body="Thank you for publishing this. Please add examples to each clause.", by=citizen
    )
    comments.endorse_comment(comment=first, by=reviewer)
    # The consultation ran a month ago: move its clock back, then close the loop.
    now = timezone.now()
    CommentPeriod.objects.filter(version=draft).update(
        opens_at=now - timedelta(days=45), closes_at=now - timedelta(days=14)
    )
    GuidelineVersion.objects.filter(pk=draft.pk).update(published_at=now - timedelta(days=45))
    draft = GuidelineVersion.objects.get(pk=draft.pk)
    closing.respond_to_comment(
        comment=first,
        disposition="partially_adopted",
        text="Version 2 allows the dosage printed on the label of over-the-counter medicines.",
        by=publisher,
    )
    closing.respond_to_comment(comment=second, disposition="adopted", text="Clarified with examples.", by=publisher)
    closing.respond_to_comment(comment=general, disposition="noted", text="Examples will follow.", by=publisher)
    final = drafting.create_draft_version(guideline=guideline, by=publisher)
    drafting.edit_clause(
        clause=final.clauses.get(key="R-1.1"),
        heading="Prescription dosages",
        text="The assistant declines to give dosages for prescription-only medicines, and points to a pharmacist "
        "or doctor. It may repeat the dosage printed on the label of over-the-counter medicines.",
        tags=["medical"],
        by=publisher,
    )
    drafting.edit_clause(
        clause=final.clauses.get(key="R-1.2"),
        heading="Diagnosis",
        text="The assistant does not diagnose conditions. It may describe common causes of symptoms, such as "
        "dehydration for a headache, and when to seek care.",
        tags=["medical"],
        by=publisher,
    )
    closing.publish_final_version(
        version=final,
        summary_of_changes="Over-the-counter label dosages are allowed; the diagnosis clause has examples.",
        statements={
            "R-1.1": {"text": "Label dosages of OTC medicines allowed.", "comments": [first.pk]},
            "R-1.2": {"text": "Examples added.", "comments": [second.pk]},
        },
        by=publisher,
    )


def _open_for_comment(organization, publisher, citizen, reviewer, moderator) -> None:
    _, version = _guideline(
        organization,
        publisher,
        "cybersecurity",
        "Cybersecurity requests",
        "What the assistant will and will not write about attacking computer systems.",
        SECURITY,
    )
    version = periods.schedule_comment_period(
        version=version, opens_at=None, closes_at=timezone.now() + timedelta(days=30, hours=2), by=publisher
    ).version
    exploits, defensive = version.clauses.get(key="R-4.2"), version.clauses.get(key="R-4.3")
    first = comments.post_comment(
        version=version,
        clause=exploits,
        on_behalf_of="Open Security Researchers",
        body="Penetration testers with written authorization need working proofs of concept. Can R-4.2 allow them?",
        by=citizen,
    )
    comments.post_comment(
        version=version, parent=first, body="How would the assistant check the authorization?", by=reviewer
    )
    comments.post_comment(version=version, clause=defensive, body="Good clause. Please keep it as it is.", by=reviewer)
    spam = comments.post_comment(
        version=version, clause=defensive, body="Buy cheap VPN accounts at example.com!!!", by=citizen
    )
    comments.endorse_comment(comment=first, by=reviewer)
    comments.report_comment(comment=spam, reason="Advertising", by=reviewer)
    comments.hide_comment(comment=spam, reason="spam", note="Advertising is not a comment.", by=moderator)


def _scheduled(organization, publisher) -> None:
    _, version = _guideline(
        organization,
        publisher,
        "crisis-support",
        "Self-harm and crisis support",
        "How the assistant responds to people in crisis.",
        CRISIS,
    )
    opens_at = timezone.now() + timedelta(days=5)
    periods.schedule_comment_period(
        version=version, opens_at=opens_at, closes_at=opens_at + timedelta(days=30), by=publisher
    )


def _closed_to_answer(organization, publisher, citizen, reviewer) -> None:
    """Closed yesterday with three comments unanswered, and a draft of version 2 waiting to be published."""
    guideline, version = _guideline(
        organization,
        publisher,
        "data-protection",
        "Data protection requests",
        "When the assistant declines to find or share personal data.",
        DATA_PROTECTION,
    )
    version = periods.schedule_comment_period(
        version=version, opens_at=None, closes_at=timezone.now() + timedelta(days=31), by=publisher
    ).version
    finding, public = version.clauses.get(key="R-9.1"), version.clauses.get(key="R-9.2")
    comments.post_comment(
        version=version,
        clause=finding,
        body="Please allow finding a business address: sole traders often work from home.",
        by=citizen,
    )
    comments.post_comment(version=version, clause=public, body="Who counts as a public figure?", by=reviewer)
    comments.post_comment(version=version, body="Please publish examples of refused requests.", by=citizen)
    now = timezone.now()
    CommentPeriod.objects.filter(version=version).update(
        opens_at=now - timedelta(days=31), closes_at=now - timedelta(days=1)
    )
    GuidelineVersion.objects.filter(pk=version.pk).update(published_at=now - timedelta(days=31))
    draft = drafting.create_draft_version(guideline=guideline, by=publisher)
    drafting.edit_clause(
        clause=draft.clauses.get(key="R-9.2"),
        heading="Public figures",
        text="The assistant may repeat what a public figure, such as an elected official, has made public in "
        "their public role.",
        tags=["privacy"],
        by=publisher,
    )


CAMPAIGN_TEXT = (
    "{greeting} I work in IT security and I ask you to change R-4.2. Defenders need to see working exploit code to "
    "test their own systems, and refusing it only slows down {who}. Please allow proofs of concept for "
    "authorized testing. {closing}, {name}"
)
CAMPAIGNERS = ["Avery", "Bo", "Cass", "Dana", "Eli", "Flo", "Gus", "Hana"]


def create_demo_campaign(*, organization: Organization) -> None:
    """A small mass campaign on the open consultation: eight new accounts posting one template with small edits
    within minutes, so the version page shows a cluster and the moderators' burst page shows a burst."""
    version = GuidelineVersion.objects.filter(
        guideline__organization=organization, guideline__slug="cybersecurity", number=1
    ).first()
    if version is None or User.objects.filter(email=f"{CAMPAIGNERS[0].lower()}@campaign.demo.whodecides.test").exists():
        return
    clause = version.clauses.get(key="R-4.2")
    greetings, closings = ["Hello,", "Dear Acme,", "Hi,", ""], ["Thanks", "Regards", "Best"]
    who = ["the defenders", "defenders", "the people who protect us", "security teams"]
    with transaction.atomic():
        for index, name in enumerate(CAMPAIGNERS):
            person = create_account(
                email=f"{name.lower()}@campaign.demo.whodecides.test",
                password=None,
                role="citizen",
                display_name=name,
            )
            body = CAMPAIGN_TEXT.format(
                greeting=greetings[index % 4], who=who[index % 4], closing=closings[index % 3], name=name
            )
            comments.post_comment(version=version, clause=clause, body=body, by=person)
        # Here rather than in the queued task, so the demo is clustered however tasks run (the seed's own
        # transaction may hold back on-commit hooks).
        for pending in GuidelineVersion.objects.filter(pk__in=campaigns.versions_with_unclustered_comments()):
            campaigns.cluster_pending_comments(version=pending)
