"""The filing page: guided steps, the clauses in force, errors, signing in; withdrawing."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal
from consultation.models import GuidelineVersion
from tests.appeals.factories import (
    PDF_BYTES,
    file,
    screenshot,
    upload,
)
from tests.factories import ClauseFactory, GuidelineVersionFactory, UserFactory


def test_the_form_offers_the_clauses_in_force_not_a_draft_in_consultation(client, citizen, system, guideline):
    in_consultation = GuidelineVersionFactory(guideline=guideline, number=2, status=GuidelineVersion.CONSULTATION)
    ClauseFactory(version=in_consultation, key="R-9.9", heading="Proposed clause", position=0)
    client.force_login(citizen)
    page = client.get(form_url(system, recently())).text
    assert "R-1.1 Heading R-1.1" in page and "R-9.9" not in page


def recently() -> str:
    """A refusal two days ago, under the version the guideline fixture published 30 days ago."""
    return (timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


def form_url(system, happened_at: str = ""):
    """The address of a step: the date step, or with `happened_at` the appeal itself."""
    url = f"{reverse('file-appeal')}?organization={system.organization.slug}&system={system.slug}"
    return f"{url}&happened_at={happened_at}" if happened_at else url


def test_the_form_guides_through_organization_system_and_clauses(client, citizen, system, guideline):
    client.force_login(citizen)
    first = client.get(reverse("file-appeal"))
    assert system.organization.name in first.text
    second = client.get(f"{reverse('file-appeal')}?organization={system.organization.slug}")
    assert system.name in second.text
    third = client.get(form_url(system))
    assert "When did the refusal happen?" in third.text and "R-1.1" not in third.text
    fourth = client.get(form_url(system, recently()))
    assert "R-1.1 Heading R-1.1" in fourth.text
    assert "<strong>R-1.1</strong>" in fourth.text  # the clause text, rendered


def test_filing_in_the_browser_shows_the_public_id(client, citizen, system, guideline):
    client.force_login(citizen)
    response = client.post(
        form_url(system),
        {
            "happened_at": recently(),
            "prompt_excerpt": "Is ibuprofen safe with coffee?",
            "refusal_excerpt": "I cannot give medical advice.",
            "language": "en",
            "clause_keys": ["R-1.1"],
            "grounds": "General facts.",
            "requested_outcome": "overturned",
            "attachments": [screenshot()],
            "confirm": "1",  # every answer at once, past the check page
        },
        follow=True,
    )
    appeal = Appeal.objects.get()
    assert appeal.public_id in response.text
    assert "Your appeal is filed" in response.text
    assert appeal.attachments.count() == 1


def test_bad_input_in_the_browser_shows_errors_and_stores_nothing(client, citizen, system, guideline):
    client.force_login(citizen)
    response = client.post(
        form_url(system),
        {
            "happened_at": recently(),
            "prompt_excerpt": "x",
            "refusal_excerpt": "y",
            "language": "en",
            "clause_keys": ["R-1.1"],
            "grounds": "z" * 5001,
            "requested_outcome": "overturned",
            "attachments": [upload("renamed.png", PDF_BYTES)],
        },
    )
    assert response.status_code == 400
    assert "at most 5000 characters" in response.text
    assert not Appeal.objects.exists()


def test_a_visitor_is_asked_to_sign_in_before_filing(client, system, guideline):
    response = client.get(form_url(system))
    assert "Sign in" in response.text
    assert 'name="grounds"' not in response.text


def test_the_appellant_withdraws_from_the_appeal_page(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    client.force_login(UserFactory())
    client.post(reverse("withdraw-appeal", args=[appeal.public_id]), {"confirm": "1"})
    appeal.refresh_from_db()
    assert appeal.status == Appeal.SUBMITTED
    client.force_login(citizen)
    client.post(reverse("withdraw-appeal", args=[appeal.public_id]), {"confirm": "1"})
    appeal.refresh_from_db()
    assert appeal.status == Appeal.WITHDRAWN


def test_the_date_field_is_a_browser_picker_whose_help_and_value_match_it(client, citizen, system, guideline):
    client.force_login(citizen)
    page = client.get(form_url(system, "2099-01-02T10:30")).text
    assert 'type="datetime-local"' in page and 'value="2099-01-02T10:30"' in page
    assert "2026-11-20 14:30" not in page
    assert "Pick the day and the time" in page


def test_the_steps_carry_their_own_numbers(client, citizen, system, guideline):
    client.force_login(citizen)
    page = client.get(form_url(system)).text
    assert '<span class="step-number">1.</span> Organization' in page
    assert '<span class="step-number">4.</span> Your appeal' in page
