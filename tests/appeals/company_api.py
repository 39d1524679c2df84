"""What the company API tests share: a key of an organization, a client carrying it, a valid statement."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from accounts import key_services
from accounts.models import ApiKey

ALL_SCOPES = [ApiKey.STATEMENTS_WRITE, ApiKey.APPEALS_READ, ApiKey.RESPONSES_WRITE]


def make_key(organization, publisher, scopes=None, name="pipeline") -> tuple[ApiKey, str]:
    return key_services.create_api_key(organization=organization, name=name, scopes=scopes or ALL_SCOPES, by=publisher)


def key_client(value: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {value}")
    return client


def statement(puid: str = "r-1", **overrides) -> dict:
    """A valid statement of reasons for system `helper`, clause R-1.1 of the organization's one guideline."""
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    values = {
        "puid": puid,
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"],
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": "R-1.1",
        "incompatible_content_explanation": "The request asked for a medication dose.",
        "category": "STATEMENT_CATEGORY_SELF_HARM",
        "content_type": ["CONTENT_TYPE_TEXT"],
        "content_date": day,
        "application_date": day,
        "territorial_scope": ["DE", "FR"],
        "decision_facts": "The assistant declined to answer a dosage question.",
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "Yes",
        "automated_decision": "AUTOMATED_DECISION_FULLY",
        "ai_system": "helper",
    }
    values.update(overrides)
    return values
