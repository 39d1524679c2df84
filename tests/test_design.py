"""What the design promises on every page: statuses from one place, error summaries, the confirmation panel, a
menu that collapses on phones, tables that reflow, and no inline script or style (the CSP forbids them)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from consultation.models import Guideline
from consultation.services import closing, drafting
from consultation.services.comments import hide_comment
from tests.consultation.factories import CommentFactory, consultation

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_a_consulted_version_reads_consultation_closed_once_its_final_version_is_published(
    client, organization, publisher
):
    consulted = consultation(organization, closed=True)
    draft = drafting.create_draft_version(guideline=consulted.guideline, by=publisher)
    closing.publish_final_version(version=draft, summary_of_changes="Final.", statements={}, by=publisher)
    page = client.get(consulted.get_absolute_url()).text
    assert '<strong class="tag tag-purple">Consultation closed</strong>' in page
    assert ">Consultation</strong>" not in page
    assert '<strong class="tag tag-green">Final</strong>' in client.get(draft.get_absolute_url()).text


@pytest.mark.parametrize(
    "how, label",
    [
        ({}, "Open for comments"),
        ({"closed": True}, "Consultation closed"),
        ({"opens_in": timedelta(days=2)}, "Consultation scheduled"),
    ],
)
def test_a_version_and_its_guideline_are_tagged_by_the_comment_period(organization, how, label):
    version = consultation(organization, **how)
    guideline = Guideline.objects.with_current_status().get(pk=version.guideline_id)
    assert version.status_tag().label == version.period.status_tag().label == guideline.status_tag().label == label


def test_the_guideline_list_shows_the_same_tag_as_the_version(client, organization):
    consultation(organization, closed=True)
    page = client.get(reverse("guideline-list")).text
    assert '<strong class="tag tag-purple">Consultation closed</strong>' in page


def test_the_menu_collapses_behind_a_button_that_needs_no_javascript(client):
    page = client.get("/").text
    assert '<details class="nav-menu"><summary>Menu</summary></details>\n      <nav aria-label="Main">' in page
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    assert ".nav-menu:not([open]) + nav { display: none; }" in css


def test_sign_in_and_sign_up_are_in_sentence_case_with_an_error_summary(client):
    assert "<h1>Sign in</h1>" in client.get(reverse("account_login")).text
    assert "<h1>Create an account</h1>" in client.get(reverse("account_signup")).text
    page = client.post(reverse("account_login"), {"login": "", "password": ""}).text
    assert "There is a problem" in page and '<a href="#id_login">Email: This field is required.</a>' in page
    assert "Remember me" in page


def test_the_error_summary_is_focused_by_a_static_script():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "error-summary.js").read_text()
    assert "[data-error-summary]" in script and ".focus()" in script
    assert "js/error-summary.js" in (TEMPLATES / "base.html").read_text()


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_has_inline_script_style_or_handlers(template):
    text = template.read_text()
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"<script(?![^>]*\ssrc=)", text)
    assert not re.search(r"\son[a-z]+=", text)


def test_a_person_sees_which_of_their_comments_were_hidden(client, organization, citizen, moderator):
    comment = CommentFactory(version=consultation(organization), author=citizen)
    hide_comment(comment=comment, reason=comment.HIDDEN_REASONS[0][0], note="", by=moderator)
    client.force_login(citizen)
    assert '<strong class="tag tag-red">Hidden</strong>' in client.get(reverse("activity")).text
