"""A clause page carries the form for a new comment on its clause while the period is open; the version page has a
"Skip to comments" link; an answer posted in place marks where focus goes (static/js/focus.js moves it)."""

from datetime import timedelta

import pytest

from consultation.models import Comment
from consultation.services.opinions import submit_statement
from tests.consultation.factories import CommentFactory, consultation

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def clause_page(version, key="R-1.1"):
    return f"{version.get_absolute_url()}clauses/{key}/"


def test_a_citizen_gets_the_comment_form_on_a_clause_page_while_the_period_is_open(client, citizen, version):
    client.force_login(citizen)
    page = client.get(clause_page(version)).text
    assert f'action="{version.get_absolute_url()}comments/new/"' in page
    assert '<input type="hidden" name="clause" value="R-1.1">' in page and "Your comment on R-1.1" in page


def test_no_comment_form_on_a_clause_page_when_commenting_is_not_possible(client, citizen, organization):
    closed = consultation(organization, closed=True)
    client.force_login(citizen)
    assert "Your comment on R-1.1" not in client.get(clause_page(closed)).text


def test_a_visitor_gets_no_comment_form_on_a_clause_page(client, version):
    assert "Your comment on R-1.1" not in client.get(clause_page(version)).text


def test_the_version_page_skips_to_its_first_thread(client, citizen, version):
    client.force_login(citizen)
    page = client.get(version.get_absolute_url()).text
    assert '<a class="skip-link" href="#thread-general">Skip to comments</a>' in page


def test_a_version_page_with_no_thread_to_show_has_no_skip_link(client, organization):
    version = consultation(organization, opens_in=timedelta(days=3))
    assert "Skip to comments" not in client.get(version.get_absolute_url()).text


def test_a_comment_posted_in_place_is_marked_to_take_the_focus(client, citizen, version):
    client.force_login(citizen)
    url = f"{version.get_absolute_url()}comments/new/"
    answer = client.post(url, {"clause": "R-1.1", "body": "Too vague."}, **HTMX).text
    posted = Comment.objects.get()
    assert f'id="comment-{posted.pk}" aria-label="Comment {posted.pk}" data-focus-here>' in answer


def test_a_refused_comment_marks_its_thread_so_its_error_summary_takes_the_focus(client, citizen, version):
    client.force_login(citizen)
    url = f"{version.get_absolute_url()}comments/new/"
    answer = client.post(url, {"clause": "R-1.1", "body": " "}, **HTMX).text
    assert '<section class="thread" id="thread-R-1.1" data-focus-here' in answer and "data-error-summary" in answer


def test_an_endorsement_in_place_marks_its_answer_and_the_page_marks_nothing(client, citizen, version):
    comment = CommentFactory(version=version, clause=version.clauses.first())
    client.force_login(citizen)
    assert "data-focus-here" not in client.get(version.get_absolute_url()).text
    answer = client.post(f"{version.get_absolute_url()}comments/{comment.pk}/endorse/", **HTMX).text
    assert answer.startswith(f'<div class="endorse" id="endorse-{comment.pk}" data-focus-here>')
    assert "Endorsed by you" in answer


def test_a_vote_in_place_marks_the_voting_box_with_the_next_statement(client, citizen, version, publisher, monkeypatch):
    monkeypatch.setattr("consultation.services.opinions.request_recompute", lambda version_id: None)
    first, _ = [submit_statement(version=version, text=f"Statement {n}.", by=publisher) for n in range(2)]
    client.force_login(citizen)
    page = f"{version.get_absolute_url()}opinions/"
    assert "data-focus-here" not in client.get(page).text
    answer = client.post(f"{page}vote/", {"statement": first.pk, "vote": "agree"}, **HTMX).text
    assert answer.startswith('<div class="voting" id="voting" data-focus-here>')
