"""Demo refusal statements: Acme's moderation pipeline reports its refusals of the past four months through an API
key, in the DSA statement-of-reasons shape, so /statistics/ shows refusals reported beside appeals filed. Running it
again changes nothing."""

from datetime import timedelta

from django.utils import timezone

from accounts import key_services
from accounts.api_keys import OrganizationVoice
from accounts.models import ApiKey, Organization, User
from appeals.models import AISystem, RefusalStatement
from appeals.services import reporting
from consultation.models import Clause

GUIDELINE = "assistant-refusals"
PER_DAY = 3  # a few a day per system: enough for rates, small enough to seed quickly


def create_demo_refusals(*, organization: Organization) -> None:
    if RefusalStatement.objects.filter(organization=organization).exists():
        return
    publisher = User.objects.filter(memberships__organization=organization).order_by("pk").first()
    systems = list(AISystem.objects.filter(organization=organization).order_by("pk").values_list("slug", flat=True))
    keys = sorted(
        set(Clause.objects.filter(version__guideline__organization=organization, version__guideline__slug=GUIDELINE)
            .values_list("key", flat=True))
    )  # fmt: skip
    if publisher is None or not systems or not keys:
        return
    key, _ = key_services.create_api_key(
        organization=organization, name="Demo moderation pipeline", scopes=[ApiKey.STATEMENTS_WRITE], by=publisher
    )
    today = timezone.localdate()
    statements = [
        _statement(f"demo-{day}-{system}-{n}", today - timedelta(days=day), system, keys[(day + n) % len(keys)])
        for day in range(1, 120)
        for system in systems
        for n in range(PER_DAY)
    ]
    for start in range(0, len(statements), 1000):
        batch = statements[start : start + 1000]
        reporting.report_refusal_statements(organization=organization, statements=batch, by=OrganizationVoice(key))


def _statement(puid: str, day, system: str, clause: str) -> dict:
    return {
        "puid": puid,
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"],
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": clause,
        "incompatible_content_explanation": f"The request fell under clause {clause} of the assistant's guideline.",
        "category": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "content_type": ["CONTENT_TYPE_TEXT"],
        "content_date": day.isoformat(),
        "application_date": day.isoformat(),
        "territorial_scope": ["DE", "FR", "NL"],
        "decision_facts": "The assistant declined to answer.",
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "Yes",
        "automated_decision": "AUTOMATED_DECISION_FULLY",
        "ai_system": system,
        "guideline": GUIDELINE,
    }
