from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from appeals.forms import AppealForm
from appeals.models import CLAUSES_MAX, EXCERPT_MAX, GROUNDS_MAX, Appeal, Attachment, Refusal
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import EXE_BYTES, PDF_BYTES, file, screenshot, upload
from tests.factories import ClauseFactory


@pytest.fixture
def clauses(guideline):
    return list(guideline.versions.get().clauses.all())


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
    assert (entry.kind, entry.subject) == (EntryKind.APPEAL_FILED, f"appeal:{appeal.public_id}")
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


def form_data(**overrides) -> dict:
    values = {
        "happened_at": "2026-11-20T10:00",
        "prompt_excerpt": "How much paracetamol is too much?",
        "refusal_excerpt": "I can't help with dosages.",
        "language": "en",
        "clause_keys": ["R-1.1"],
        "grounds": "It is on the packet.",
        "requested_outcome": "overturned",
    }
    return {**values, **overrides}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"grounds": "x" * (GROUNDS_MAX + 1)}, "grounds", f"at most {GROUNDS_MAX} characters"),
        ({"grounds": "   "}, "grounds", "This field is required"),
        ({"refusal_excerpt": "y" * (EXCERPT_MAX + 1)}, "refusal_excerpt", f"at most {EXCERPT_MAX} characters"),
        ({"clause_keys": []}, "clause_keys", "This field is required"),
        ({"clause_keys": ["R-9.9"]}, "clause_keys", "Select a valid choice"),
        ({"conversation_url": "javascript:alert(1)"}, "conversation_url", "full web address"),
        ({"conversation_url": "ftp://example.org/x"}, "conversation_url", "full web address"),
        ({"requested_outcome": "burn it"}, "requested_outcome", "Select a valid choice"),
    ],
)
def test_the_form_refuses_each_field_out_of_bounds(clauses, overrides, field, message):
    form = AppealForm(form_data(**overrides), clauses=clauses)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_form_takes_at_most_the_allowed_number_of_clauses_and_files(settings):
    many = [ClauseFactory.build(key=f"K-{n}") for n in range(CLAUSES_MAX + 1)]
    form = AppealForm(form_data(clause_keys=[c.key for c in many]), clauses=many)
    assert not form.is_valid() and f"at most {CLAUSES_MAX} clauses" in form.errors["clause_keys"][0]
    files = {"attachments": [screenshot(f"{n}.png") for n in range(settings.APPEAL_ATTACHMENTS_MAX + 1)]}
    form = AppealForm(form_data(), files, clauses=many)
    assert not form.is_valid() and "Attach at most" in form.errors["attachments"][0]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"clause_keys": ["R-9.9"]}, "clause_keys"),
        ({"happened_at": timezone.now() - timedelta(days=400)}, "happened_at"),
    ],
)
def test_the_service_refuses_what_does_not_fit_the_guideline(citizen, system, guideline, overrides, field):
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


def test_a_limit_of_one_appeal_a_day_is_said_in_the_singular(citizen, system, guideline, settings):
    settings.APPEALS_PER_DAY = 1
    file(citizen, system, guideline, refusal_excerpt="one")
    with pytest.raises(ValidationError) as error:
        file(citizen, system, guideline, refusal_excerpt="two")
    assert "You can file 1 appeal a day." in str(error.value)


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
