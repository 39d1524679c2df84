"""The filing page asks a question at a time, each answer deciding the next: organization, system and guideline, the
date of the refusal, then the appeal with the clauses of the version in force on that date. The date is judged on
its own step."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal
from consultation.models import GuidelineVersion
from tests.appeals.factories import AISystemFactory
from tests.factories import ClauseFactory, GuidelineFactory, GuidelineVersionFactory


def days_ago(days: int) -> str:
    return (timezone.now() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def step_url(system, **answers) -> str:
    query = "&".join(f"{name}={value}" for name, value in answers.items())
    return f"{reverse('file-appeal')}?organization={system.organization.slug}&system={system.slug}&{query}"


@pytest.fixture
def second_version(guideline):
    """Version 2, in force from 5 days ago, with a clause version 1 (published 30 days ago) did not have."""
    guideline.versions.update(status=GuidelineVersion.SUPERSEDED)
    version = GuidelineVersionFactory(guideline=guideline, number=2, published_at=timezone.now() - timedelta(days=5))
    ClauseFactory(version=version, key="R-7.7", heading="A clause of version 2", text="Only **v2** says this.")
    return version


def appeal_form(**overrides) -> dict:
    values = {
        "prompt_excerpt": "How much paracetamol is too much?",
        "refusal_excerpt": "I can't help with dosages.",
        "language": "en",
        "clause_keys": ["R-1.1"],
        "grounds": "It is on the packet.",
        "requested_outcome": "overturned",
    }
    return {**values, **overrides}


def test_the_clauses_offered_are_those_of_the_version_in_force_on_the_date(client, citizen, system, second_version):
    client.force_login(citizen)
    then = client.get(step_url(system, happened_at=days_ago(10))).text
    assert "R-1.1 Heading R-1.1" in then and "R-7.7" not in then and "Only <strong>v2</strong>" not in then
    assert "Assistant refusals v1, in force on" in then
    now = client.get(step_url(system, happened_at=days_ago(1))).text
    assert "R-7.7 A clause of version 2" in now and "Assistant refusals v2, in force on" in now


def test_a_clause_of_a_later_version_is_refused_for_an_earlier_date(client, citizen, system, second_version):
    client.force_login(citizen)
    url = step_url(system, happened_at=days_ago(10))
    response = client.post(url, appeal_form(happened_at=days_ago(10), clause_keys=["R-7.7"]))
    assert response.status_code == 400 and "Select a valid choice" in response.text
    assert not Appeal.objects.exists()


def test_the_date_step_comes_after_the_system_and_before_any_clause(client, citizen, system, guideline):
    client.force_login(citizen)
    page = client.get(step_url(system)).text
    assert '<span class="step-number">3.</span> Date of the refusal' in page
    assert 'name="happened_at"' in page and 'type="datetime-local"' in page
    assert "R-1.1" not in page and 'name="grounds"' not in page


@pytest.mark.parametrize(
    ("happened_at", "message"),
    [
        ("", "Enter the day and time of the refusal."),
        ("yesterday", "as a real date and time"),
        ("2099-01-01T10:00", "cannot have happened in the future"),
        (days_ago(40), "No version of Assistant refusals was in force on"),
        ("0001-01-01T00:00", "No version of Assistant refusals was in force on 1 January 0001"),
    ],
)
def test_a_wrong_date_is_refused_on_the_date_step(client, citizen, system, guideline, happened_at, message):
    client.force_login(citizen)
    response = client.get(step_url(system, happened_at=happened_at))
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text and '<a href="#id_happened_at">' in response.text
    assert message in response.text
    assert 'aria-current="step"><span class="step-number">3.</span>' in response.text
    assert 'name="grounds"' not in response.text


def test_a_whole_form_posted_with_a_wrong_date_goes_back_to_the_date_step(client, citizen, system, guideline):
    client.force_login(citizen)
    response = client.post(step_url(system), appeal_form(happened_at=days_ago(40)))
    assert response.status_code == 400 and "No version of Assistant refusals was in force on" in response.text
    assert 'name="grounds"' not in response.text
    assert not Appeal.objects.exists()


def test_the_last_step_files_the_appeal_with_the_date_of_the_date_step(client, citizen, system, guideline):
    client.force_login(citizen)
    happened_at = days_ago(3)
    page = client.get(step_url(system, happened_at=happened_at)).text
    assert f'<input type="hidden" name="happened_at" value="{happened_at}">' in page
    response = client.post(step_url(system, happened_at=happened_at), appeal_form(happened_at=happened_at, confirm="1"))
    appeal = Appeal.objects.get()
    assert response.url == reverse("appeal-filed", args=[appeal.public_id])
    assert appeal.refusal.happened_at.strftime("%Y-%m-%dT%H:%M") == happened_at and appeal.version.number == 1


def test_a_guideline_not_yet_in_force_cannot_be_chosen(client, citizen, system, guideline):
    later = GuidelineFactory(organization=system.organization, slug="later", title="Later rules")
    GuidelineVersionFactory(guideline=later, number=1, published_at=timezone.now() + timedelta(days=3))
    client.force_login(citizen)
    page = client.get(f"{reverse('file-appeal')}?organization={system.organization.slug}").text
    assert 'name="guideline" value="assistant-refusals"' in page and "later" not in page
    assert "Later rules" not in client.get(step_url(system, guideline="later")).text


def test_each_required_select_starts_with_an_empty_choice(client, citizen, system, guideline):
    GuidelineVersionFactory(guideline=GuidelineFactory(organization=system.organization, slug="other"), number=1)
    AISystemFactory(organization=system.organization, slug="second")
    client.force_login(citizen)
    first = client.get(reverse("file-appeal")).text
    assert '<select id="organization" name="organization" required>\n' in first
    assert '<option value="">Choose an organization</option>' in first
    second = client.get(f"{reverse('file-appeal')}?organization={system.organization.slug}").text
    assert '<option value="">Choose a system</option>' in second
    assert '<option value="">Choose a guideline</option>' in second
