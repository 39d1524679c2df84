"""Appeals open for public comment, for the tests of tests/appeals/test_case_comments*.py."""

from datetime import timedelta

from django.utils import timezone

from appeals import services
from appeals.models import CommentCall
from appeals.services import case_comments
from tests.appeals.factories import admitted


def redacted(appeal, moderator):
    return services.redact_refusal(
        appeal=appeal,
        by=moderator,
        public_prompt_excerpt="How much paracetamol is too much?",
        public_refusal_excerpt="I can't help with that.",
        public_grounds="Dosage limits are public health information.",
    )


def selected(appellant, system, guideline, moderator, **overrides):
    """An admitted, redacted appeal a moderator opened for public comment."""
    appeal = redacted(admitted(appellant, system, guideline, moderator, **overrides), moderator)
    case_comments.open_for_comment(
        appeal=appeal, criteria=[CommentCall.PUBLIC_INTEREST], reason="Health information for everyone.", by=moderator
    )
    return appeal


def close_window(appeal) -> None:
    """As if the window's days had passed: both ends moved back, so the window keeps its length."""
    call = CommentCall.objects.get(appeal=appeal)
    shift = call.closes_at - timezone.now() + timedelta(minutes=1)
    CommentCall.objects.filter(pk=call.pk).update(opens_at=call.opens_at - shift, closes_at=call.closes_at - shift)
