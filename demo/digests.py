"""The demo citizen follows something of each kind, each as often as a real person might: a guideline in a weekly
digest, the open consultation at once, and an appeal somebody else filed in a daily digest. Running it again
changes nothing."""

from accounts.models import Organization, User
from appeals.models import Appeal
from consultation.models import GuidelineVersion
from digests.models import Follow
from digests.services.following import follow

CITIZEN_EMAIL = "citizen@demo.whodecides.test"


def create_demo_follows(*, organization: Organization) -> None:
    citizen = User.objects.filter(email=CITIZEN_EMAIL).first()
    if citizen is None:
        return
    versions = GuidelineVersion.objects.filter(guideline__organization=organization).select_related("guideline")
    consulted = versions.filter(status=GuidelineVersion.CONSULTATION).order_by("pk").first()
    if consulted is not None:
        follow(target=consulted.guideline, frequency=Follow.WEEKLY, by=citizen)
        follow(target=consulted, frequency=Follow.IMMEDIATE, by=citizen)
    appeal = Appeal.objects.exclude(appellant=citizen).order_by("pk").first()
    if appeal is not None:
        follow(target=appeal, frequency=Follow.DAILY, by=citizen)
