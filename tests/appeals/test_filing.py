from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from appeals.models import Appeal, Attachment, Refusal
from ledger.models import Entry
from tests.appeals.factories import EXE_BYTES, PDF_BYTES, file, screenshot, upload


def assert_nothing_stored():
    assert Appeal.objects.count() == 0
    assert Refusal.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Entry.objects.count() == 0


def test_filing_gives_a_public_id_records_it_and_mails_a_receipt(
    citizen, system, guideline, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file(citizen, system, guideline)
    year = timezone.now().year
    assert appeal.public_id == f"A-{year}-000001"
    assert appeal.status == Appeal.SUBMITTED
    assert appeal.version.number == 1
    assert list(appeal.events.values_list("kind", flat=True)) == ["filed"]
    entry = Entry.objects.get()
    assert (entry.kind, entry.subject) == ("appeal.filed", f"appeal:{appeal.public_id}")
    assert "paracetamol" not in entry.payload
    assert mailoutbox[0].to == [citizen.email]
    assert appeal.public_id in mailoutbox[0].subject


def test_public_ids_count_up(citizen, system, guideline):
    first = file(citizen, system, guideline)
    second = file(citizen, system, guideline, refusal_excerpt="Another refusal.")
    assert int(second.public_id[-6:]) == int(first.public_id[-6:]) + 1


def test_the_deadline_is_appeal_days_after_filing(citizen, system, guideline, settings):
    settings.APPEAL_DAYS = 30
    appeal = file(citizen, system, guideline)
    assert abs((appeal.deadline - appeal.filed_at) - timedelta(days=30)) < timedelta(seconds=1)


def test_personal_data_is_flagged_and_redacted_from_the_public_excerpt(citizen, system, guideline):
    appeal = file(
        citizen,
        system,
        guideline,
        prompt_excerpt="Mail ada@example.org or call +44 20 7946 0958, card 4111 1111 1111 1111, "
        "see https://chat.example/share?token=abc123",
    )
    refusal = appeal.refusal
    kinds = {flag["kind"] for flag in refusal.personal_data_flags}
    assert kinds == {"email", "phone_number", "card_number", "token_link"}
    assert "ada@example.org" not in refusal.public_prompt_excerpt
    assert "4111" not in refusal.public_prompt_excerpt
    assert "token=abc123" not in refusal.public_prompt_excerpt
    assert "ada@example.org" in refusal.prompt_excerpt


def test_an_unverified_person_cannot_file(unverified, system, guideline):
    with pytest.raises(PermissionDenied):
        file(unverified, system, guideline)
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grounds": "x" * 5001}, "grounds"),
        ({"grounds": "   "}, "grounds"),
        ({"refusal_excerpt": "y" * 5001}, "refusal_excerpt"),
        ({"clause_keys": ["R-9.9"]}, "clause_keys"),
        ({"clause_keys": []}, "clause_keys"),
        ({"happened_at": timezone.now() + timedelta(days=3)}, "happened_at"),
        ({"happened_at": timezone.now() - timedelta(days=400)}, "happened_at"),
        ({"conversation_url": "javascript:alert(1)"}, "conversation_url"),
        ({"requested_outcome": "burn it"}, "requested_outcome"),
    ],
)
def test_bad_input_is_refused_with_nothing_stored(citizen, system, guideline, overrides, field):
    with pytest.raises(ValidationError) as error:
        file(citizen, system, guideline, **overrides)
    assert field in error.value.message_dict
    assert_nothing_stored()


def test_clause_keys_of_another_organizations_guideline_are_refused(citizen, system, guideline, other_organization):
    from tests.appeals.factories import published_guideline

    other = published_guideline(other_organization, tags={"X-1.1": []})
    with pytest.raises(ValidationError) as error:
        file(citizen, system, other, clause_keys=["X-1.1"])
    assert "system" in error.value.message_dict
    assert_nothing_stored()


def test_a_screenshot_is_stored_privately(citizen, system, guideline, settings):
    appeal = file(citizen, system, guideline, attachments=[screenshot()])
    attachment = appeal.attachments.get()
    assert attachment.content_type == "image/png"
    assert not attachment.public
    assert str(settings.PRIVATE_MEDIA_ROOT) in attachment.file.path
    assert not attachment.file.path.startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("renamed.png", PDF_BYTES, "name says otherwise"),
        ("program.pdf", EXE_BYTES, "not a PNG, JPEG or PDF"),
        ("broken.pdf", b"%PDF-1.4\n garbage without an end", "cannot be opened"),
        ("empty.png", b"", "empty"),
    ],
)
def test_bad_attachments_are_refused_with_nothing_stored(citizen, system, guideline, name, content, message):
    with pytest.raises(ValidationError) as error:
        file(citizen, system, guideline, attachments=[upload(name, content)])
    assert message in error.value.message_dict["attachments"][0]
    assert_nothing_stored()


def test_an_oversized_attachment_is_refused(citizen, system, guideline, settings):
    settings.APPEAL_ATTACHMENT_MAX_BYTES = 1024
    big = upload("big.pdf", b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF")
    with pytest.raises(ValidationError) as error:
        file(citizen, system, guideline, attachments=[big])
    assert "larger than" in error.value.message_dict["attachments"][0]
    assert_nothing_stored()


def test_a_duplicate_is_flagged_until_confirmed(citizen, system, guideline):
    first = file(citizen, system, guideline)
    with pytest.raises(ValidationError) as error:
        file(citizen, system, guideline, happened_at=first.refusal.happened_at)
    assert first.public_id in error.value.message_dict["duplicate"][0]
    second = file(citizen, system, guideline, happened_at=first.refusal.happened_at, allow_duplicate=True)
    assert second.pk != first.pk


def test_filing_is_rate_limited(citizen, system, guideline, settings):
    settings.APPEALS_PER_DAY = 2
    file(citizen, system, guideline, refusal_excerpt="one")
    file(citizen, system, guideline, refusal_excerpt="two")
    with pytest.raises(ValidationError) as error:
        file(citizen, system, guideline, refusal_excerpt="three")
    assert "tomorrow" in str(error.value)
    assert Appeal.objects.count() == 2


def test_the_appellant_may_withdraw_until_decided(citizen, system, guideline, moderator):
    from appeals import services

    appeal = file(citizen, system, guideline)
    with pytest.raises(PermissionDenied):
        services.withdraw_appeal(appeal=appeal, by=moderator)
    services.withdraw_appeal(appeal=appeal, by=citizen)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.WITHDRAWN
    with pytest.raises(ValidationError):
        services.withdraw_appeal(appeal=appeal, by=citizen)
