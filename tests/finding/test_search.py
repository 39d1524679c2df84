"""/search/: one search box over consultations, clauses, comments and decisions, ranked and grouped by kind."""

import pytest
from django.db import connection, transaction

from consultation.models import Clause, GuidelineVersion
from consultation.services import comments
from finding import selectors
from tests.appeals.factories import AISystemFactory, decided, published_guideline
from tests.consultation.factories import CommentFactory, consultation
from tests.factories import ClauseFactory, GuidelineFactory

pytestmark = pytest.mark.django_db
SEARCH = "/search/"


@pytest.fixture
def everything(organization, citizen, moderator):
    """One dosage match of each kind: a guideline, a clause, a comment and a decision."""
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    decided(citizen, system, guideline, moderator, rationale="Dosage facts are public health information.")
    version = consultation(organization)
    version.guideline.description = "How the assistant answers questions about dosage."
    version.guideline.save()
    ClauseFactory(version=version, key="MED-9.1", heading="Medication dosage", text="Doses may be given.")
    CommentFactory(version=version, body="The dosage clause is too narrow.")
    return version


def test_one_search_finds_every_kind_grouped_with_a_count(client, everything):
    page = client.get(SEARCH, {"q": "dosage"})
    assert page.status_code == 200 and page.text.count("<h1>") == 1
    for kind in ("Consultations", "Clauses", "Comments", "Decisions"):
        assert f"{kind}: 1 match</h2>" in page.text
    assert "<mark>dosage</mark>" in page.text and '<span class="key">MED-9.1</span> Medication dosage' in page.text


def test_a_hidden_comment_and_a_drafts_clause_are_never_found(client, organization, moderator):
    version = consultation(organization, clauses=0)
    draft = GuidelineFactory(organization=organization).versions.create(number=1, status=GuidelineVersion.DRAFT)
    ClauseFactory(version=draft, heading="Secret dosage plans")
    hidden = CommentFactory(version=version, body="Dosage advice with a phone number.")
    comments.hide_comment(comment=hidden, reason="personal_data", by=moderator)
    page = client.get(SEARCH, {"q": "dosage"}).text
    assert "Clauses: 0 matches" in page and "Comments: 0 matches" in page and "Secret" not in page


def test_the_best_match_comes_first(organization):
    version = consultation(organization, clauses=0)
    once = CommentFactory(version=version, body="One leaflet among many other words about other things.")
    thrice = CommentFactory(version=version, body="The leaflet, the leaflet and the leaflet.")
    comments_found = next(found for found in selectors.search_everything("leaflet") if found.kind.name == "comments")
    assert comments_found.rows == [thrice, once]


def test_more_goes_to_the_decision_list_or_to_the_kinds_own_page(client, organization, monkeypatch):
    monkeypatch.setattr(selectors, "SHOWN_PER_KIND", 1)
    version = consultation(organization, clauses=0)
    CommentFactory.create_batch(2, version=version, body="Leaflet words.")
    page = client.get(SEARCH, {"q": "leaflet"}).text
    assert 'href="/search/?q=leaflet&amp;kind=comments">All 2 comments that match' in page
    assert 'href="/decisions/?q=leaflet"' not in page  # no decision matches, so no "more"


def test_a_kinds_own_page_pages_through_its_matches(client, organization, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    version = consultation(organization, clauses=0)
    first, second = (CommentFactory(version=version, body=f"Leaflet {n}.") for n in range(2))
    page = client.get(SEARCH, {"q": "leaflet", "kind": "comments"})
    assert "Comments: 2 matches" in page.text and "Decisions:" not in page.text
    after = page.context["found"][0].next_before
    assert f"before={after}" in page.text
    rest = client.get(SEARCH, {"q": "leaflet", "kind": "comments", "before": after}).context["found"][0].rows
    assert len(rest) == 1 and rest[0] != page.context["found"][0].rows[0]


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Enter the words to search for."),
        ("x" * 201, "Search for at most 200 characters: a few words find more."),
        ("dos\x00age", "NUL"),
    ],
)
def test_bad_search_text_is_refused_with_a_clear_message(client, q, message):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 400 and message in response.text


def test_an_unknown_kind_or_parameter_is_refused_by_name(client):
    assert client.get(SEARCH, {"q": "a", "kind": "people"}).status_code == 400
    response = client.get(SEARCH, {"q": "a", "sort": "new"})
    assert response.status_code == 400 and "Unknown parameter: sort" in response.text


def test_any_search_syntax_is_answered(client, everything):
    for q in ['"dosage', "or or", "-", "!!&|", "dosage -narrow", "the"]:
        assert client.get(SEARCH, {"q": q}).status_code == 200


def test_without_words_the_page_offers_the_box(client):
    page = client.get(SEARCH)
    assert page.status_code == 200 and 'name="q"' in page.text and "Consultations:" not in page.text


def test_signed_out_searches_are_limited_per_address(client, settings, citizen):
    settings.SEARCHES_PER_MINUTE_ANONYMOUS = 2
    assert [client.get(SEARCH, {"q": "dosage"}).status_code for _ in range(3)] == [200, 200, 429]
    limited = client.get(SEARCH, {"q": "dosage"})
    assert "You have searched many times in the last minute" in limited.text and limited["Retry-After"] == "60"
    client.force_login(citizen)
    assert client.get(SEARCH, {"q": "dosage"}).status_code == 200


def test_the_search_takes_the_same_queries_for_few_matches_or_many(client, everything, django_assert_max_num_queries):
    with django_assert_max_num_queries(13):
        client.get(SEARCH, {"q": "dosage"})
    CommentFactory.create_batch(6, version=everything, body="More dosage words.")
    for n in range(3):
        ClauseFactory(version=everything, key=f"D-{n}.1", heading="Dosage again")
    with django_assert_max_num_queries(13):
        assert client.get(SEARCH, {"q": "dosage"}).status_code == 200


def test_the_comment_search_can_use_its_gin_index(organization):
    """On a handful of rows a sequential scan is rightly cheaper; with it and plain index scans switched off for this
    transaction only (GIN indexes serve bitmap scans), the plan shows that the filter is on the indexed stored vector,
    not a vector computed per row."""
    CommentFactory(version=consultation(organization, clauses=0), body="Dosage.")
    comments_kind = next(kind for kind in selectors.KINDS if kind.name == "comments")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = comments_kind.search("dosage", None).explain()
    assert "comment_search_vector" in plan


def test_the_clause_search_can_use_its_gin_index(organization):
    ClauseFactory(version=consultation(organization, clauses=0), heading="Dosage")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = Clause.objects.filter(search_vector="dosage").explain()
    assert "clause_search_vector" in plan


def test_every_page_has_a_search_box_that_works_without_javascript(client, db):
    page = client.get("/").text
    assert '<form method="get" action="/search/" role="search"' in page and 'name="q"' in page
