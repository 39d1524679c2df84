"""Markdown is rendered once, by the service that stores the text; pages show the stored, sanitised HTML."""

from pathlib import Path

import pytest
from django.conf import settings

from consultation.models import Clause
from consultation.services import closing, comments, drafting
from tests.consultation.factories import CommentFactory, consultation

pytestmark = pytest.mark.django_db


def test_no_template_renders_markdown_per_request():
    templates = Path(settings.BASE_DIR, "templates").rglob("*.html")
    assert [str(path) for path in templates if "|markdown" in path.read_text()] == []


def test_a_comment_is_rendered_and_sanitised_when_posted_and_shown_as_stored(client, organization, citizen):
    version = consultation(organization)
    body = "Narrow **this**. <script>alert(1)</script> [link](javascript:alert(1))"
    comment = comments.post_comment(version=version, clause=version.clauses.first(), body=body, by=citizen)
    assert "<strong>this</strong>" in comment.body_html
    assert "<script>" not in comment.body_html and 'href="javascript' not in comment.body_html
    page = client.get(version.get_absolute_url()).content.decode()
    assert comment.body_html in page


def test_a_draft_clause_is_rendered_when_added_and_again_when_edited(publisher, organization):
    guideline = drafting.create_guideline(organization=organization, slug="m", title="M", by=publisher)
    draft = drafting.create_draft_version(guideline=guideline, summary_of_changes="First *draft*", by=publisher)
    clause = drafting.add_clause(version=draft, key="R-1.1", heading="Doses", text="No **doses**.", by=publisher)
    assert clause.text_html == "<p>No <strong>doses</strong>.</p>\n"
    assert draft.summary_html == "<p>First <em>draft</em></p>\n"
    drafting.edit_clause(clause=clause, heading="Doses", text="Some _doses_.", by=publisher)
    assert Clause.objects.get(pk=clause.pk).text_html == "<p>Some <em>doses</em>.</p>\n"


def test_a_response_is_rendered_when_written_and_shown_as_stored(client, organization, publisher):
    version = consultation(organization, closed=True)
    comment = CommentFactory(version=version, clause=version.clauses.first())
    response = closing.respond_to_comment(comment=comment, disposition="noted", text="We **will** look.", by=publisher)
    assert response.text_html == "<p>We <strong>will</strong> look.</p>\n"
    page = client.get(version.get_absolute_url()).content.decode()
    assert response.text_html in page
    assert "Answered 1 of 1" in page
