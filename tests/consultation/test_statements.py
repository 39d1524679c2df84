"""Statements and votes for opinion groups: who may submit, moderate and vote, through the services and the API."""

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import Participant, Statement, Vote
from consultation.services.opinions import cast_vote, moderate_statement, next_statement_for, submit_statement
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.factories import auth, consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/guidelines/acme/medical/versions/1/"
# The token with whether the email is verified; the statement with its version; the participant upsert; the vote
# upsert that returns the vote it replaced; the statement's counts, which also ask whether the period is open.
MOST = 5


@pytest.fixture(autouse=True)
def no_recompute_per_vote(monkeypatch):
    """Celery runs eagerly in tests: the debounced recomputation a vote asks for would run inside the request."""
    monkeypatch.setattr("consultation.services.opinions.request_recompute", lambda version_id: None)


@pytest.fixture
def shown(version, publisher):
    return submit_statement(version=version, text="Medical questions deserve a straight answer.", by=publisher)


def vote(client, user, statement, value):
    url = f"{API}statements/{statement.pk}/vote/"
    return client.post(url, {"vote": value}, content_type="application/json", **auth(user))


def test_a_citizens_statement_waits_for_a_moderator(version, citizen):
    statement = submit_statement(version=version, text="  Refusals should cite the clause.  ", by=citizen)
    assert statement.status == Statement.PENDING and not statement.seeded
    assert statement.text == "Refusals should cite the clause."
    entry = Entry.objects.latest("seq")
    payload = json.loads(entry.payload)
    assert entry.kind == EntryKind.STATEMENT_SUBMITTED and payload["status"] == "pending"
    assert "Refusals" not in entry.payload, "a statement's text is on the record only once a moderator shows it"
    assert payload["text_sha256"] == hashlib.sha256(b"Refusals should cite the clause.").hexdigest()


def test_a_publishers_statement_is_seeded_and_shown_at_once(shown):
    assert shown.status == Statement.SHOWN and shown.seeded


def test_a_publisher_may_seed_before_the_period_opens_but_a_citizen_may_not(organization, publisher, citizen):
    from datetime import timedelta

    version = consultation(organization, opens_in=timedelta(days=2))
    assert submit_statement(version=version, text="Seeded early.", by=publisher).status == Statement.SHOWN
    with pytest.raises(ValidationError, match="only while the comment period is open"):
        submit_statement(version=version, text="Too early.", by=citizen)


@pytest.mark.parametrize("text, message", [("   ", "cannot be empty"), ("x" * 281, "the limit is 280")])
def test_bad_statements_are_refused_and_nothing_is_stored(client, citizen, version, text, message):
    response = client.post(f"{API}statements/", {"text": text}, content_type="application/json", **auth(citizen))
    assert response.status_code == 400 and message in str(response.json())
    assert not Statement.objects.exists()


def test_a_statement_on_a_closed_period_is_refused(organization, citizen):
    version = consultation(organization, closed=True)
    with pytest.raises(ValidationError, match="only while the comment period is open"):
        submit_statement(version=version, text="Late.", by=citizen)


def test_the_api_answers_a_new_statement_with_its_counts(client, citizen, version):
    response = client.post(
        f"{API}statements/", {"text": "Name the clause.", "clause": "R-1.1"}, content_type="application/json",
        **auth(citizen),
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["clause"] == "R-1.1"
    assert (body["agree"], body["disagree"], body["pass"]) == (0, 0, 0)


def test_unverified_and_anonymous_people_cannot_submit(client, unverified, version):
    assert client.post(f"{API}statements/", {"text": "Hi"}, content_type="application/json").status_code in (401, 403)
    with pytest.raises(PermissionDenied):
        submit_statement(version=version, text="Hi", by=unverified)


def test_the_list_shows_only_shown_statements(client, version, citizen, shown):
    submit_statement(version=version, text="Pending one.", by=citizen)
    results = client.get(f"{API}statements/").json()["results"]
    assert [s["id"] for s in results] == [shown.pk]


def test_a_moderator_shows_or_rejects_with_a_reason(version, citizen, moderator):
    first = submit_statement(version=version, text="One.", by=citizen)
    second = submit_statement(version=version, text="Two.", by=citizen)
    assert moderate_statement(statement=first, action="show", by=moderator).status == Statement.SHOWN
    with pytest.raises(ValidationError, match="cannot be empty"):
        moderate_statement(statement=second, action="reject", reason="", by=moderator)
    rejected = moderate_statement(statement=second, action="reject", reason="Off topic.", by=moderator)
    assert rejected.status == Statement.REJECTED and rejected.rejection_reason == "Off topic."
    kinds = list(Entry.objects.order_by("-seq").values_list("kind", flat=True)[:2])
    assert kinds == [EntryKind.STATEMENT_REJECTED, EntryKind.STATEMENT_SHOWN]


def test_nobody_else_moderates_and_a_moderator_never_their_own(version, citizen, publisher):
    own = UserFactory(is_moderator=True)
    statement = submit_statement(version=version, text="Mine.", by=own)
    with pytest.raises(PermissionDenied, match="your own"):
        moderate_statement(statement=statement, action="show", by=own)
    for person in (citizen, publisher):
        with pytest.raises(PermissionDenied):
            moderate_statement(statement=statement, action="show", by=person)
    assert Statement.objects.get(pk=statement.pk).status == Statement.PENDING


@pytest.mark.django_db(transaction=True)  # BEGIN and COMMIT as in production, not a test's savepoints
def test_a_vote_costs_at_most_5_queries(client, citizen, shown):
    headers = auth(citizen)
    for value in ("agree", "disagree"):  # the first vote creates the participant; the second changes the vote
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"{API}statements/{shown.pk}/vote/", {"vote": value}, content_type="application/json", **headers
            )
        assert response.status_code == 200, response.json()
        sql = [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT")]
        assert len(sql) <= MOST, "\n".join(sql)


def test_one_vote_per_person_per_statement_changeable(client, citizen, shown):
    first = vote(client, citizen, shown, "agree").json()
    second = vote(client, citizen, shown, "disagree").json()
    vote(client, citizen, shown, "disagree")
    assert first["participant"] == second["participant"] == Participant.objects.get().pseudonym
    assert second == {"statement": shown.pk, "vote": "disagree", "participant": first["participant"]}
    shown.refresh_from_db()
    assert (shown.agree, shown.disagree, shown.passed) == (0, 1, 0)
    assert Vote.objects.count() == 1


def test_votes_are_limited_per_account_not_per_address(client, settings, shown, version):
    settings.OPINION_VOTE_LIMIT = 1
    office = [UserFactory(), UserFactory()]
    assert [vote(client, person, shown, "agree").status_code for person in office] == [200, 200]
    assert vote(client, office[0], shown, "pass").status_code == 429


@pytest.mark.parametrize("value", ["yes", ""])
def test_a_bad_vote_is_refused(client, citizen, shown, value):
    response = vote(client, citizen, shown, value)
    assert response.status_code == 400 and "vote" in response.json()["errors"]
    assert not Vote.objects.exists()


def test_no_vote_on_a_pending_statement_nor_anonymously(client, version, citizen, shown):
    pending = submit_statement(version=version, text="Pending.", by=citizen)
    response = vote(client, UserFactory(), pending, "agree")
    assert response.status_code == 400 and "not open for votes" in response.json()["detail"]
    anonymous = client.post(f"{API}statements/{shown.pk}/vote/", {"vote": "agree"}, content_type="application/json")
    assert anonymous.status_code in (401, 403)
    assert not Vote.objects.exists() and not Participant.objects.exists()


def test_no_vote_once_the_period_has_closed(organization, publisher, citizen):
    version = consultation(organization)
    statement = submit_statement(version=version, text="Close soon.", by=publisher)
    version.comment_period.closes_at = version.comment_period.opens_at
    version.comment_period.save()
    with pytest.raises(ValidationError, match="only while the comment period is open"):
        cast_vote(statement=statement, vote="agree", by=citizen)
    assert not Vote.objects.exists()


def test_the_next_statement_has_the_fewest_votes_and_was_never_voted_on(version, publisher, citizen):
    popular, quiet, newest = (
        submit_statement(version=version, text=text, by=publisher) for text in ("Popular.", "Quiet.", "Newest.")
    )
    for _ in range(2):
        cast_vote(statement=popular, vote="agree", by=UserFactory())
    cast_vote(statement=quiet, vote="agree", by=UserFactory())
    assert next_statement_for(version=version, participant=None) == newest
    cast_vote(statement=newest, vote="pass", by=citizen)
    me = Participant.objects.get(user=citizen)
    assert next_statement_for(version=version, participant=me) == quiet
    cast_vote(statement=quiet, vote="agree", by=citizen)
    cast_vote(statement=popular, vote="agree", by=citizen)
    assert next_statement_for(version=version, participant=me) is None
