"""The appeals pages' design: status tags, the decision list's items, the confirmation panel, reflowing tables."""

from django.urls import reverse

from appeals import services
from appeals.models import Decision
from tests.appeals.factories import admitted, decided, file, make_reviewer


def test_appeal_and_decision_tags_name_the_status_and_a_correction(client, citizen, system, guideline, moderator):
    appeal = decided(citizen, system, guideline, moderator)
    original = appeal.decisions.get()
    services.correct_decision(
        decision=original,
        by=moderator,
        outcome=Decision.UPHELD,
        rationale="On reflection.",
        cited_clause_keys=["R-1.1"],
        note="Wrong outcome.",
    )
    page = client.get(appeal.get_absolute_url()).text
    assert '<strong class="tag tag-green">Decided</strong>' in page
    assert (
        '<strong class="tag tag-grey">Corrected</strong>' in page
        and '<strong class="tag tag-red">Upheld</strong>' in page
    )


def test_the_decision_list_shows_what_was_asked_and_refused_and_the_clause_heading(
    client, citizen, system, guideline, moderator
):
    decided(
        citizen,
        system,
        guideline,
        moderator,
        prompt_excerpt="What dose of paracetamol is safe?",
        refusal_excerpt="I cannot give dosage information.",
    )
    page = client.get(reverse("decisions")).text
    assert "What dose of paracetamol is safe?" in page and "I cannot give dosage information." in page
    assert '<span class="key">R-1.1</span> Heading R-1.1' in page and "Acme Helper of Acme AI" in page


def test_filing_ends_on_a_confirmation_panel_with_the_reference_number(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    client.force_login(citizen)
    page = client.get(reverse("appeal-filed", args=[appeal.public_id])).text
    assert '<div class="panel panel-confirmation">' in page
    assert f'<strong class="public-id">{appeal.public_id}</strong>' in page and "What happens next" in page


def test_tables_name_each_cell_for_phones(client, moderator, citizen, system, guideline):
    file(citizen, system, guideline)
    client.force_login(moderator)
    page = client.get(reverse("appeal-screening-queue")).text
    assert '<table class="record reflow">' in page and '<td data-label="Deadline">' in page


def test_a_reviewer_sees_the_status_of_each_offer_as_a_tag(client, citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    client.force_login(reviewer.user)
    page = client.get(reverse("review", args=[appeal.assignments.get().pk])).text
    assert 'Your assignment: <strong class="tag tag-yellow">Offered</strong>' in page
