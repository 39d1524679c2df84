"""The DSA Transparency Database's statement-of-reasons vocabulary, and how our decisions map onto it.

One module for both directions: the refusal statements organizations report (appeals.refusal_statement_api) are
checked against these values, and the public decisions are exported in the same shape (appeals.dsa_api, the
`dsa-statements-of-reasons` open dataset). Field names and values are the Transparency Database's own
(transparency.dsa.ec.europa.eu, API documentation and its schema); docs/reference/dsa-statements-of-reasons.md maps
each field to ours and says what has no equivalent.
"""

from typing import Any

DECISION_VISIBILITY = (
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
)
DECISION_MONETARY = ("DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER")
DECISION_PROVISION = (
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
)
DECISION_ACCOUNT = ("DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED")
ACCOUNT_TYPE = ("ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE")
ILLEGAL, INCOMPATIBLE = "DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"
DECISION_GROUND = (ILLEGAL, INCOMPATIBLE)
CONTENT_TYPE = (
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
)
CATEGORY = (
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
)
SOURCE_TYPE = (
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
)
YES_NO = ("Yes", "No")
AUTOMATED_DECISION = (
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
)
# EU and EEA member states, as ISO 3166-1 alpha-2 codes (the Transparency Database's territorial_scope values).
TERRITORIAL_SCOPE = (
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
)

PUID_MAX = 500  # the Transparency Database's limit on puid
TEXT_MAX = 5000  # its limit on decision_facts and the explanations
SHORT_TEXT_MAX = 500  # its limit on the other free-text fields
BATCH_MAX = 1000  # statements per request here (the Transparency Database takes 100)

# Our fields, beside the DSA's, on a reported statement and on an exported one.
AI_SYSTEM = "ai_system"  # the slug of the organization's AI system that refused
GUIDELINE = "guideline"  # the slug of the guideline whose clause was cited (optional when it has only one)

# The constants of the export: what every decision here is, in the DSA's terms (documented in the reference).
EXPORT_CONSTANTS: dict[str, Any] = {
    "decision_visibility": ["DECISION_VISIBILITY_OTHER"],
    "decision_ground": INCOMPATIBLE,
    "content_type": ["CONTENT_TYPE_TEXT"],
    "category": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "source_type": "SOURCE_VOLUNTARY",
    "automated_detection": "Yes",
    "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
    "territorial_scope": [],
}
OUTCOME_WORDS = {
    "upheld": "the refusal was upheld",
    "overturned": "the refusal was overturned",
    "partially_overturned": "the refusal was partly overturned",
}


def statement_of_decision(decision: Any, *, url: str) -> dict[str, Any]:
    """One public decision as a statement of reasons: the AI system's refusal, as the independent review left it.

    `decision` is a row of appeals.selectors.public_decisions (its organization, system, appeal and cited clauses
    loaded); `url` is its address on this site."""
    keys = [clause.key for clause in decision.cited_clauses.all()]
    outcome = OUTCOME_WORDS.get(decision.outcome, decision.outcome)
    return {
        "puid": f"decision-{decision.pk}",
        **EXPORT_CONSTANTS,
        "decision_visibility_other": f"An AI system refused a request; on appeal, {outcome}."[:SHORT_TEXT_MAX],
        "incompatible_content_ground": ", ".join(keys)[:SHORT_TEXT_MAX],
        "incompatible_content_explanation": f"The clauses of {decision.organization.name}'s refusal guideline "
        f"cited by the decision: {', '.join(keys) or 'none'}."[:TEXT_MAX],
        "incompatible_content_illegal": "No",
        "decision_facts": decision.rationale[:TEXT_MAX],
        "content_date": decision.appeal.refusal.happened_at.date().isoformat(),
        "application_date": decision.decided_at.date().isoformat(),
        "platform_name": decision.organization.name,
        "decision_ground_reference_url": url,
        # Ours, beside the DSA's.
        AI_SYSTEM: decision.system.slug,
        "organization": decision.organization.slug,
        "appeal": decision.appeal.public_id,
        "outcome": decision.outcome,
        "superseded": bool(getattr(decision, "corrected", False)),
        "supersedes": f"decision-{decision.supersedes_id}" if decision.supersedes_id else None,
    }
