"""Searching within one version's comments: found through the GIN index, best match first, hidden ones never."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation import views
from consultation.models import Comment
from consultation.selectors import search_comments
from consultation.services import comments
from tests.consultation.factories import CommentFactory

pytestmark = pytest.mark.django_db


def search_url(version) -> str:
    return f"{version.get_absolute_url()}comments/"


def api_url(version) -> str:
    guideline = version.guideline
    return reverse("api-version-comments", args=[guideline.organization.slug, guideline.slug, version.number])


def test_a_comment_is_found_by_a_word_it_uses(client, version):
    found = CommentFactory(version=version, clause=version.clauses.first(), body="The dosage tables are wrong.")
    CommentFactory(version=version, body="Nothing to do with it.")
    page = client.get(search_url(version), {"q": "dosage"}).text
    assert f"Comment {found.pk}</a>" in page and "R-1.1" in page
    assert "<mark>dosage</mark>" in page.lower() and "Nothing to do" not in page


def test_a_hidden_comment_is_never_found(client, version, moderator):
    hidden = CommentFactory(version=version, body="Secret dosage advice from a stranger.")
    comments.hide_comment(comment=hidden, reason="personal_data", by=moderator)
    assert not search_comments(version, q="dosage").exists()
    assert "No published comment on this version matches." in client.get(search_url(version), {"q": "stranger"}).text
    assert client.get(api_url(version), {"q": "stranger"}).json()["results"] == []


def test_a_restored_comment_is_found_again(version, moderator):
    comment = CommentFactory(version=version, body="Dosage again.")
    comments.hide_comment(comment=comment, reason="spam", by=moderator)
    comments.restore_comment(comment=comment, by=moderator)
    assert list(search_comments(version, q="dosage")) == [comment]


def test_another_versions_comments_are_not_searched(client, version, organization):
    elsewhere = CommentFactory(body="Dosage elsewhere.")
    assert elsewhere.version != version
    assert not search_comments(version, q="dosage").exists()


def test_the_stored_vector_is_null_while_hidden_so_the_index_holds_no_hidden_words(version, moderator):
    comment = CommentFactory(version=version, body="Dosage words.")
    comments.hide_comment(comment=comment, reason="spam", by=moderator)
    comment.refresh_from_db()
    assert comment.search_vector is None


def test_postgresql_finds_a_rare_word_among_many_comments_through_the_gin_index(version, citizen):
    """Realistic statistics instead of a switched-off planner: in a version with thousands of comments a rare word
    is looked up in the GIN index, not by reading every comment of the version. The index's list of pending
    entries is merged first, as autovacuum does on a live table (VACUUM itself cannot run in a test's transaction)."""
    Comment.objects.bulk_create(
        Comment(version=version, author=citizen, body=f"Comment {n} about the scope of this clause.")
        for n in range(3000)
    )
    CommentFactory(version=version, body="The dosage tables are wrong.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('comment_search_vector'::regclass)")
        cursor.execute("ANALYZE consultation_comment")
    plan = search_comments(version, q="dosage").explain()
    assert "Bitmap Index Scan on comment_search_vector" in plan


def test_the_comment_that_says_it_most_comes_first_and_the_cursor_follows(client, version):
    once = CommentFactory(version=version, body="One leaflet among many other words about other things.")
    thrice = CommentFactory(version=version, body="The leaflet, the leaflet and the leaflet.")
    assert list(search_comments(version, q="leaflet")) == [thrice, once]
    seen, url = [], api_url(version) + "?q=leaflet&page_size=1"
    while url:
        page = client.get(url).json()
        seen += [c["id"] for c in page["results"]]
        url = page["next"]
    assert seen == [thrice.pk, once.pk]


def test_the_page_links_to_more_matches(client, monkeypatch, version):
    monkeypatch.setattr(views, "COMMENTS_PER_PAGE", 1)
    first, second = (CommentFactory(version=version, body=f"Leaflet {n}.") for n in range(2))
    page = client.get(search_url(version), {"q": "leaflet"}).text
    more = re.search(r'href="\?([^"]*)" rel="next">More matches', page).group(1).replace("&amp;", "&")
    rest = client.get(search_url(version) + "?" + more).text
    shown = {pk for pk in (first.pk, second.pk) if f"Comment {pk}</a>" in page}
    assert len(shown) == 1 and all(f"Comment {pk}</a>" in rest for pk in {first.pk, second.pk} - shown)


def test_the_snippet_escapes_what_the_comment_says(client, version):
    CommentFactory(version=version, body='Dosage & <img src=x onerror="alert(1)"> dosage.')
    page = client.get(search_url(version), {"q": "dosage"}).text
    assert "<img src=x" not in page and "<mark>Dosage</mark> &amp;" in page
    [result] = client.get(api_url(version), {"q": "dosage"}).json()["results"]
    assert set(re.findall(r"</?(\w+)", result["snippet"])) == {"mark"}


@pytest.mark.parametrize("q", ['"unclosed', "or or -", "!:*&|()", "the", "dosage & | ! <-> :*"])
def test_any_search_text_is_answered_without_an_error(client, version, q):
    CommentFactory(version=version, body="The dosage tables are wrong.")
    assert client.get(search_url(version), {"q": q}).status_code == 200
    assert client.get(api_url(version), {"q": q}).status_code == 200


def test_an_empty_or_enormous_search_is_refused_with_a_clear_message(client, version):
    CommentFactory(version=version, body="The dosage tables are wrong.")
    empty = client.get(search_url(version), {"q": ""})
    assert empty.status_code == 400 and "Enter the words to search for." in empty.text
    enormous = client.get(search_url(version), {"q": "dosage " * 100})
    assert enormous.status_code == 400 and "Search for at most 200 characters" in enormous.text
    api = client.get(api_url(version), {"q": "dosage " * 100})
    assert api.status_code == 400 and "Search for at most 200 characters" in api.json()["detail"]


def test_a_bad_page_cursor_is_a_clear_error(client, version):
    response = client.get(search_url(version), {"q": "dosage", "before": "x" * 40})
    assert response.status_code == 400 and "No such page of comments." in response.text


def test_the_search_page_takes_a_constant_number_of_queries(client, version):
    CommentFactory(version=version, body="Dosage one.")
    with CaptureQueriesContext(connection) as first:
        client.get(search_url(version), {"q": "dosage"})
    for n in range(5):
        CommentFactory(version=version, clause=version.clauses.first(), body=f"Dosage {n}.")
    cache.clear()  # the factory writes no ledger entry, which is what renews the cached page
    with CaptureQueriesContext(connection) as more:
        page = client.get(search_url(version), {"q": "dosage"}).text
    assert len(more.captured_queries) == len(first.captured_queries) and page.count("<mark>") >= 6


def test_the_version_page_offers_the_search(client, version):
    assert f'action="{search_url(version)}"' in client.get(version.get_absolute_url()).text
