from datetime import timedelta

import pytest

from consultation.diff import word_diff
from consultation.selectors import open_consultations
from core.markdown import render_markdown
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import ClauseFactory, GuidelineVersionFactory

pytestmark = pytest.mark.django_db


def test_the_guideline_list_filters_by_organization_and_status(client, organization, other_organization):
    consultation(organization)
    consultation(other_organization, closed=True)
    GuidelineVersionFactory(guideline__organization=organization, guideline__title="Secret draft", status="draft")
    page = client.get("/guidelines/").content.decode()
    assert page.count('class="card"') == 2 and "Secret draft" not in page
    assert client.get("/guidelines/?organization=globex").content.decode().count('class="card"') == 1
    assert "No guideline matches these filters" in client.get("/guidelines/?status=final").content.decode()
    assert client.get("/guidelines/?status=<script>").status_code == 200


def test_the_guideline_page_lists_versions_and_clauses(client, organization):
    version = consultation(organization)
    page = client.get(version.guideline.get_absolute_url()).content.decode()
    assert "v1" in page and 'id="clause-row-R-1.1"' in page and "Open for comments" in page


def test_an_open_version_shows_the_time_left(client, organization):
    version = consultation(organization)
    assert "left</strong>" in client.get(version.get_absolute_url()).content.decode()


def test_a_closed_version_shows_how_many_comments_are_answered(client, organization):
    version = consultation(organization, closed=True)
    CommentFactory(version=version)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Answered 0 of 1" in page and "Consultation closed" in page


def test_unknown_guidelines_and_versions_are_404(client, organization):
    consultation(organization)
    for url in [
        "/guidelines/acme/nope/",
        "/guidelines/acme/medical/v9/",
        "/guidelines/acme/medical/v1/diff/9/",
        "/guidelines/acme/medical/v1/comments/999/",
    ]:
        assert client.get(url).status_code == 404, url


def test_word_diff_marks_changed_words_and_escapes():
    html = word_diff("Refuse <b>all</b> dosage questions", "Refuse most dosage questions")
    assert "<del>&lt;b&gt;all&lt;/b&gt;</del>" in html and "<ins>most</ins>" in html


def test_the_diff_page_shows_text_not_markdown_with_the_changed_words_marked(client, organization):
    older = consultation(organization)
    text = "Refuse **all** dosage questions.\n\n- for children"
    older.clauses.filter(key="R-1.1").update(text=text, text_html=render_markdown(text))  # as drafting stores it
    newer = GuidelineVersionFactory(guideline=older.guideline, number=2, status="final", based_on=older)
    ClauseFactory(
        version=newer, key="R-1.1", heading="Clause 1", text="Refuse **most** dosage questions.\n\n- for children"
    )
    page = client.get(f"{newer.get_absolute_url()}diff/1/").text
    assert "**" not in page
    assert "<del>all</del>" in page and "<ins>most</ins>" in page


def test_open_consultations_are_the_open_periods(organization, other_organization):
    open_one = consultation(organization)
    consultation(other_organization, opens_in=timedelta(days=3))
    assert [p.version for p in open_consultations()] == [open_one]


def test_the_atom_feed_lists_openings_and_closings(client, organization, other_organization):
    consultation(organization)
    consultation(other_organization, closed=True)
    response = client.get("/feeds/consultations/")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert body.count("<entry>") == 3
    assert "Open for comment: Medical advice v1 (Acme AI)" in body and "Comment period closed" in body


def test_the_guideline_list_is_paginated_and_keeps_its_filters(client, organization, monkeypatch):
    monkeypatch.setattr("consultation.views.GUIDELINES_PER_PAGE", 1)
    consultation(organization)
    GuidelineVersionFactory(guideline__organization=organization, guideline__title="Second", status="final")
    first = client.get("/guidelines/?organization=acme").text
    assert first.count('class="card"') == 1 and "Page 1 of 2" in first
    assert "?organization=acme&amp;page=2" in first
    second = client.get("/guidelines/?organization=acme&page=2").text
    assert second.count('class="card"') == 1 and "Page 2 of 2" in second
    assert client.get("/guidelines/?page=nonsense").status_code == 200
