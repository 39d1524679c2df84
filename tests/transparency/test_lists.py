import pytest
from django.urls import reverse

from consultation.services import comments
from tests.transparency.test_pages import rows_listed


def test_the_appeal_list_shows_public_fields_only(client, record, citizen):
    text = client.get(reverse("appeal-list")).content.decode()
    assert "A-" in text and "Acme Helper" in text
    assert "paracetamol" not in text and citizen.display_name not in text  # no excerpts, no appellant


def test_the_appeal_list_filters_by_status_reason_and_overdue(client, record):
    assert rows_listed(client, reverse("appeal-list") + "?status=inadmissible&reason=duplicate") == 1
    assert rows_listed(client, reverse("appeal-list") + "?status=overdue") == 1
    assert rows_listed(client, reverse("appeal-list") + "?organization=globex") == 1
    assert rows_listed(client, reverse("appeal-list") + "?topic=SECURITY") == 1


@pytest.mark.parametrize("query", ["status=lost", "from=2026-14", "reason=whim"])
def test_bad_filters_of_the_appeal_list_are_explained(client, record, query):
    response = client.get(reverse("appeal-list") + "?" + query)
    assert response.status_code == 400
    assert 'class="listed"' not in response.content.decode()


def test_a_bad_page_of_appeals_is_a_404(client, record):
    assert client.get(reverse("appeal-list") + "?before=abc").status_code == 404


def test_the_appeal_list_pages_by_cursor(client, record, monkeypatch):
    monkeypatch.setattr("appeals.public_views.APPEALS_PER_PAGE", 3)
    first = client.get(reverse("appeal-list")).content.decode()
    assert first.count('class="listed"') == 3 and 'rel="next"' in first


def test_the_comment_list_leaves_out_hidden_comments_and_replies(
    client, record, moderator, django_capture_on_commit_callbacks
):
    assert rows_listed(client, reverse("comment-list")) == 3
    comment = record["version"].comments.filter(parent__isnull=True).order_by("pk").last()
    with django_capture_on_commit_callbacks(execute=True):  # the cached list is renewed on commit, as in production
        comments.hide_comment(comment=comment, reason="spam", by=moderator)
    assert rows_listed(client, reverse("comment-list")) == 2


def test_the_comment_list_filters_by_answer(client, record):
    assert rows_listed(client, reverse("comment-list") + "?disposition=adopted") == 1
    assert rows_listed(client, reverse("comment-list") + "?answered=yes&clause=R-2.1") == 0


def test_the_decision_list_filters_by_period_topic_and_decisions_in_force(client, record):
    assert rows_listed(client, reverse("decisions")) == 5  # with the corrected decision
    assert rows_listed(client, reverse("decisions") + "?in_force=yes") == 4
    assert rows_listed(client, reverse("decisions") + "?in_force=yes&topic=security") == 1
    assert rows_listed(client, reverse("decisions") + "?from=2001-01&to=2001-Q4") == 0
    assert "is not a month or a quarter" in client.get(reverse("decisions") + "?to=soon").content.decode()


@pytest.mark.parametrize("name", ["appeal-list", "comment-list"])
def test_an_unknown_parameter_of_a_list_is_a_400_naming_it(client, record, name):
    response = client.get(reverse(name), {"topik": "security", "statuss": "x"})
    assert response.status_code == 400
    assert "Unknown parameters: statuss, topik" in response.content.decode()
