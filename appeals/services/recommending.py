"""Recommending: the policy recommendations a panel makes to the organization with its decision, the organization's
answers to them, and their deadline (reminders before it, a public overdue flag after it).

Every step is a new RecommendationStep and a ledger entry in the same transaction; the recommendation row only
keeps where the steps have brought it.
"""

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.api_keys import key_of, person_of
from accounts.models import Organization, User
from appeals.models import (
    RECOMMENDATION_MAX,
    RECOMMENDATIONS_MAX,
    Decision,
    Recommendation,
    RecommendationStep,
    RecommendationTally,
)
from consultation.models import GuidelineVersion
from core.queue import enqueue
from ledger import services as ledger
from ledger.kinds import EntryKind

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
EVIDENCE_PAGES = {"guideline-version", "guideline"}  # pages of this site that can show a change was made


def split_recommendations(text: str) -> list[str]:
    """One recommendation per paragraph, as the decision form asks for them."""
    return [paragraph.strip() for paragraph in PARAGRAPH_BREAK.split(text.replace("\r\n", "\n")) if paragraph.strip()]


def check_recommendations(texts: list[str]) -> list[str]:
    """The recommendations without blanks or repeats, within the limits; a ValidationError says what is wrong."""
    texts = list(dict.fromkeys(text.strip() for text in texts if text.strip()))
    if len(texts) > RECOMMENDATIONS_MAX:
        raise ValidationError(
            f"Make at most {RECOMMENDATIONS_MAX} recommendations; you wrote {len(texts)} paragraphs.",
            code="too_many",
        )
    if long := [n for n, text in enumerate(texts, 1) if len(text) > RECOMMENDATION_MAX]:
        which = ", ".join(map(str, long))
        raise ValidationError(
            f"Recommendation {which} is longer than {RECOMMENDATION_MAX:,} characters; shorten it or split it.",
            code="too_long",
        )
    return texts


def make_recommendations(*, decision: Decision, texts: list[str]) -> list[Recommendation]:
    """Store what the panel recommends with `decision`, in the deciding transaction (which holds the appeal's lock,
    so the numbers of an appeal's recommendations are handed out one at a time)."""
    if not texts:
        return []
    appeal = decision.appeal
    made = Recommendation.objects.filter(decision__appeal=appeal).count()
    now = timezone.now()
    respond_by = now + timedelta(days=settings.RECOMMENDATION_RESPONSE_DAYS)
    recommendations = []
    for number, text in enumerate(texts, made + 1):
        recommendation = Recommendation.objects.create(
            decision=decision,
            organization_id=decision.organization_id,
            public_id=f"{appeal.public_id}-R{number}",
            text=text,
            made_at=now,
            respond_by=respond_by,
        )
        _step(recommendation, RecommendationStep.MADE, actor="the panel", note=text)
        _tally(recommendation, before=set())
        recommendations.append(recommendation)
    return recommendations


def answer_recommendation(
    *,
    recommendation: Recommendation,
    by: User,
    kind: str,
    note: str = "",
    implemented_on: date | None = None,
    evidence_url: str = "",
) -> RecommendationStep:
    """The organization's next step on a recommendation: its response (accepted, partly accepted, declined,
    already done), then for what it accepted "in progress" and "implemented" (with a date and evidence)."""
    if not recommendation.can_be_answered_by(by):
        raise PermissionDenied("Only the organization's publishers can answer its recommendations.")
    with transaction.atomic():
        recommendation = (
            Recommendation.objects.select_for_update(of=("self",))
            .select_related("organization", "decision__appeal")
            .get(pk=recommendation.pk)
        )
        note = note.strip()
        evidence_url = _check_answer(recommendation, kind, note, implemented_on, evidence_url.strip())
        before = recommendation.figures()
        fields = ["state"]
        if kind in Recommendation.RESPONSES:
            recommendation.response, recommendation.responded_at = kind, timezone.now()
            fields += ["response", "responded_at"]
        if kind == Recommendation.IMPLEMENTED:
            recommendation.implemented_on = implemented_on
            fields.append("implemented_on")
        if evidence_url:
            recommendation.evidence_url = evidence_url
            fields.append("evidence_url")
        recommendation.state = kind
        recommendation.save(update_fields=fields)
        _tally(recommendation, before=before)
        return _step(
            recommendation,
            kind,
            actor=recommendation.organization.name,
            by=person_of(by),
            api_key=key_of(by),
            note=note,
            implemented_on=implemented_on,
            evidence_url=evidence_url,
        )


def _check_answer(
    recommendation: Recommendation, kind: str, note: str, implemented_on: date | None, evidence_url: str
) -> str:
    """The evidence address as stored, once the step is allowed; otherwise every problem, by field."""
    errors: dict[str, list[str]] = {}
    if kind not in recommendation.next_states():
        errors["kind"] = [_refused_transition(recommendation, kind)]
    elif not note and kind in Recommendation.NOTE_REQUIRED:
        errors["note"] = [Recommendation.NOTE_REQUIRED[kind]]
    if kind == Recommendation.IMPLEMENTED:
        if implemented_on is None:
            errors["implemented_on"] = ["Give the date it was implemented."]
        elif implemented_on > timezone.localdate():
            errors["implemented_on"] = ["The date it was implemented cannot be in the future."]
        elif implemented_on < timezone.localtime(recommendation.made_at).date():
            errors["implemented_on"] = [
                "It cannot have been implemented before it was recommended: answer “already done” instead."
            ]
        if not evidence_url:
            errors["evidence_url"] = ["Link to the evidence, such as the guideline version that implements it."]
    elif implemented_on is not None:
        errors["implemented_on"] = ["A date is given only when the recommendation is implemented."]
    if evidence_url:
        try:
            evidence_url = check_evidence(evidence_url, recommendation.organization)
        except ValidationError as error:
            errors["evidence_url"] = error.messages
    if errors:
        raise ValidationError(errors)
    return evidence_url


def _refused_transition(recommendation: Recommendation, kind: str) -> str:
    labels = dict(Recommendation.STATE_CHOICES)
    if kind not in labels or kind == Recommendation.AWAITING:
        return "Choose one of the answers offered."
    state = recommendation.get_state_display().lower()
    if not recommendation.next_states():
        return f"This recommendation is {state}; it takes no further steps."
    if recommendation.state == Recommendation.AWAITING:
        then = labels[kind].lower()
        return f"Respond to the recommendation first: it must be accepted (in full or in part) before it is {then}."
    if kind in Recommendation.RESPONSES:
        return f"The organization has already responded ({state}); what follows is in progress or implemented."
    return (
        f"A recommendation {state} can next be: {', '.join(labels[s].lower() for s in recommendation.next_states())}."
    )


def check_evidence(url: str, organization: Organization) -> str:
    """A web address (http or https), or a page of this site (a full address or a path starting with /); a page
    of this site must be a published guideline version, or a guideline, of the organization itself. Pages of this
    site are stored as paths (with the #key of a clause, if given), so the link works wherever the site runs."""
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    on_site = (url.startswith("/") and not url.startswith("//")) or parts.netloc == site.netloc
    if not on_site:
        URLValidator(schemes=["http", "https"], message="Give a full web address starting with https://.")(url)
        return url
    try:
        match = resolve(parts.path)
    except Resolver404:
        match = None
    if match is None or match.url_name not in EVIDENCE_PAGES:
        raise ValidationError("A link to this site must be to a guideline version of the organization.")
    if match.kwargs["org"] != organization.slug:
        raise ValidationError(f"That guideline is not {organization.name}'s; link to one of your own.")
    versions = GuidelineVersion.objects.public().filter(guideline__organization=organization)
    versions = versions.filter(guideline__slug=match.kwargs["slug"])
    if "number" in match.kwargs:
        versions = versions.filter(number=match.kwargs["number"])
    if not versions.exists():
        raise ValidationError("There is no published guideline version at that address.")
    return f"{parts.path}#{parts.fragment}" if parts.fragment else parts.path  # the fragment names a clause


def remind_about_recommendations(*, now: datetime | None = None) -> int:
    """Remind the publishers RECOMMENDATION_REMINDER_DAYS before the deadline. Nearest deadline first, so a
    recommendation already within 3 days gets the 3-day reminder and not a late 14-day one too."""
    now = now or timezone.now()
    reminded = 0
    for days in sorted(settings.RECOMMENDATION_REMINDER_DAYS):
        for pk in list(Recommendation.objects.to_remind(now, days).values_list("pk", flat=True)):
            with transaction.atomic():
                # Asked again under the lock: it may have been answered or reminded by another run meanwhile.
                recommendation = Recommendation.objects.to_remind(now, days).select_for_update().filter(pk=pk).first()
                if recommendation is None:
                    continue
                recommendation.reminded_days = days
                recommendation.save(update_fields=["reminded_days"])
                enqueue("appeals.tasks.notify_recommendation_reminder", recommendation.pk, days)
                reminded += 1
    return reminded


def flag_overdue_recommendations(*, now: datetime | None = None) -> int:
    """Flag publicly, once, each recommendation not answered by its deadline."""
    now = now or timezone.now()
    flagged = 0
    for pk in list(
        Recommendation.objects.overdue(now).filter(overdue_flagged_at__isnull=True).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            recommendation = Recommendation.objects.select_for_update().get(pk=pk)
            if recommendation.overdue_flagged_at or recommendation.state != Recommendation.AWAITING:
                continue
            recommendation.overdue_flagged_at = now
            recommendation.save(update_fields=["overdue_flagged_at"])
            note = f"Not answered by its deadline of {timezone.localtime(recommendation.respond_by):%d %B %Y}."
            _step(recommendation, Recommendation.OVERDUE, actor="deadline", note=note)
            flagged += 1
    return flagged


def check_recommendation_deadlines(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {"reminded": remind_about_recommendations(now=now), "overdue": flag_overdue_recommendations(now=now)}


def _tally(recommendation: Recommendation, *, before: set[str]) -> None:
    """Move the tracker's counts from the figures the recommendation counted in `before` to those it counts in now."""
    after = recommendation.figures()
    changes = dict.fromkeys(after - before, 1) | dict.fromkeys(before - after, -1)
    for figure, change in sorted(changes.items()):
        tally, _ = RecommendationTally.objects.get_or_create(
            organization_id=recommendation.organization_id, figure=figure
        )
        RecommendationTally.objects.filter(pk=tally.pk).update(count=F("count") + change)


def _step(
    recommendation: Recommendation, kind: str, *, actor: str, by: User | None = None, **fields
) -> RecommendationStep:
    """One public step: stored and in the ledger, in the caller's transaction. `kind` is the step's own name (made,
    or the state an answer moves to), so the entry's kind is looked up from it."""
    step = RecommendationStep.objects.create(recommendation=recommendation, kind=kind, actor=actor, by=by, **fields)
    implemented_on = fields.get("implemented_on")
    ledger.append(
        kind=EntryKind.of("recommendation", kind),
        subject=recommendation.subject,
        payload={
            "public_id": recommendation.public_id,
            "decision": recommendation.decision_id,
            "organization": recommendation.organization.slug,
            "state": recommendation.state,
            "respond_by": recommendation.respond_by.isoformat(),
            "note": fields.get("note", ""),
            "implemented_on": implemented_on.isoformat() if implemented_on else None,
            "evidence_url": fields.get("evidence_url", ""),
            # Names the step among the recommendation's entries, so its served note is compared with this one.
            "step": step.pk,
        },
    )
    return step
