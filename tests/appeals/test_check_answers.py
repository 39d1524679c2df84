"""Declaring an appeal inadmissible and deciding one first show the answers to check; only a confirmation acts."""

from django.urls import reverse

from appeals import services
from appeals.models import Appeal, Decision
from tests.appeals.factories import admitted, file, make_reviewer

INADMISSIBLE = {"reason": "abusive", "public_note": "It insults a person."}
DECISION = {"outcome": "overturned", "rationale": "Public health facts.", "cited_clause_keys": ["R-1.1"]}


def test_declaring_inadmissible_first_shows_the_answers_and_changes_nothing(
    client, citizen, system, guideline, moderator
):
    appeal = file(citizen, system, guideline)
    client.force_login(moderator)
    response = client.post(reverse("declare-inadmissible", args=[appeal.public_id]), INADMISSIBLE)
    assert response.status_code == 200 and "It is abusive or made in bad faith" in response.text
    assert '<input type="hidden" name="public_note" value="It insults a person.">' in response.text
    appeal.refresh_from_db()
    assert appeal.status == Appeal.SUBMITTED and not appeal.events.filter(kind="inadmissible").exists()


def test_a_confirmed_declaration_closes_the_appeal(client, citizen, system, guideline, moderator):
    appeal = file(citizen, system, guideline)
    client.force_login(moderator)
    response = client.post(reverse("declare-inadmissible", args=[appeal.public_id]), {**INADMISSIBLE, "confirm": "1"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.INADMISSIBLE and appeal.public_note == "It insults a person."


def test_a_missing_reason_is_shown_in_the_error_summary_on_the_screening_page(
    client, citizen, system, guideline, moderator
):
    appeal = file(citizen, system, guideline)
    client.force_login(moderator)
    response = client.post(reverse("declare-inadmissible", args=[appeal.public_id]), {"public_note": "No."})
    assert response.status_code == 400 and 'class="error-summary"' in response.text
    assert '<a href="#id_reason">Reason: ' in response.text


def _accepted(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get()
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    return assignment, reviewer.user


def test_deciding_first_shows_the_decision_to_check(client, citizen, system, guideline, moderator):
    assignment, reviewer = _accepted(citizen, system, guideline, moderator)
    client.force_login(reviewer)
    response = client.post(reverse("decide-appeal", args=[assignment.pk]), DECISION)
    assert response.status_code == 200 and "Check your decision on" in response.text
    assert "Overturned" in response.text and "Public health facts." in response.text
    assert not Decision.objects.exists()


def test_changing_the_decision_shows_the_review_page_with_the_answers(client, citizen, system, guideline, moderator):
    assignment, reviewer = _accepted(citizen, system, guideline, moderator)
    client.force_login(reviewer)
    response = client.post(reverse("decide-appeal", args=[assignment.pk]), {**DECISION, "change": "id_rationale"})
    assert response.status_code == 200 and ">\nPublic health facts.</textarea>" in response.text
    assert not Decision.objects.exists()


def test_the_confirmed_decision_is_published(client, citizen, system, guideline, moderator):
    assignment, reviewer = _accepted(citizen, system, guideline, moderator)
    client.force_login(reviewer)
    response = client.post(reverse("decide-appeal", args=[assignment.pk]), {**DECISION, "confirm": "1"})
    assert response.status_code == 302 and Decision.objects.get().outcome == Decision.OVERTURNED


def test_the_decision_check_lists_only_the_questions_the_form_asked(client, citizen, system, guideline, moderator):
    """With no earlier decision to cite the review form has no such question, so the check page does not list it."""
    assignment, reviewer = _accepted(citizen, system, guideline, moderator)
    client.force_login(reviewer)
    page = client.post(reverse("decide-appeal", args=[assignment.pk]), DECISION).text
    assert "Clauses the decision cites" in page and "Earlier decisions it cites" not in page
