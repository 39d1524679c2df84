"""Refusal statements reported in bulk with an API key, in the DSA statement-of-reasons shape."""

import hashlib
import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appeals.models import RefusalStatement
from appeals.services.reporting import canonical
from ledger.models import Entry
from tests.appeals.company_api import key_client, make_key, statement

REPORT = "/api/v1/organizations/acme/refusal-statements/"


@pytest.fixture
def api(organization, publisher, system, guideline):
    return key_client(make_key(organization, publisher)[1])


def send(api, statements, **headers):
    return api.post(REPORT, {"statements": statements}, format="json", **headers)


def test_a_batch_of_1000_is_stored_with_one_record_entry(api, organization):
    batch = [statement(f"r-{n}") for n in range(1000)]
    response = send(api, batch)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 1000 and body["existing"] == 0
    assert body["batch_sha256"] == hashlib.sha256(canonical(batch).encode()).hexdigest()
    assert RefusalStatement.objects.filter(organization=organization).count() == 1000
    (entry,) = Entry.objects.filter(kind="refusals.reported")
    payload = entry.data
    assert payload["count"] == 1000 and payload["batch_sha256"] == body["batch_sha256"]
    (row,) = payload["counts"]
    assert row | {"month": ""} == {
        "system": "helper",
        "guideline": "assistant-refusals",
        "clause": "R-1.1",
        "topics": ["medical"],
        "month": "",
        "count": 1000,
    }


def test_a_batch_of_1001_is_refused_and_nothing_stored(api):
    response = send(api, [statement(f"r-{n}") for n in range(1001)])
    assert response.status_code == 400
    assert "1000" in json.dumps(response.json()["errors"]["statements"])
    assert not RefusalStatement.objects.exists() and not Entry.objects.filter(kind="refusals.reported").exists()


def test_one_bad_statement_refuses_the_batch_with_problems_by_index(api):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    batch = [
        statement("ok"),
        statement("bad-enum", category="STATEMENT_CATEGORY_NOPE", content_type=["CONTENT_TYPE_HOLOGRAM"]),
        statement("bad-date", content_date="03/12/2026"),
        statement("bad-field", decision_grund="typo"),
        {k: v for k, v in statement("missing").items() if k != "decision_facts"},
        statement("other-needed", decision_ground="DECISION_GROUND_ILLEGAL_CONTENT"),
        statement("future", application_date=tomorrow),
    ]
    response = send(api, batch)
    assert response.status_code == 400
    errors = response.json()["errors"]["statements"]
    assert set(errors) == {"1", "2", "3", "4", "5", "6"}
    assert set(errors["1"]) == {"category", "content_type"}
    assert set(errors["2"]) == {"content_date"}
    assert "as YYYY-MM-DD" in errors["6"]["application_date"][0]
    assert errors["3"] == {"decision_grund": ["Not a field of a statement of reasons."]}
    assert set(errors["4"]) == {"decision_facts"}
    assert {"illegal_content_legal_ground", "illegal_content_explanation", "clause"} <= set(errors["5"])
    assert "nothing was stored" in response.json()["detail"]
    assert not RefusalStatement.objects.exists()


def test_unknown_system_and_clause_are_named(api):
    batch = [statement("a", ai_system="nope"), statement("b", incompatible_content_ground="R-9.9")]
    errors = send(api, batch).json()["errors"]["statements"]
    assert errors["0"] == {"ai_system": ["Acme AI has no AI system 'nope'."]}
    assert errors["1"] == {"incompatible_content_ground": ["The guideline 'assistant-refusals' has no clause 'R-9.9'."]}


def test_sending_the_same_puid_again_returns_the_stored_one(api):
    first = send(api, [statement("same")])
    again = send(api, [statement("same"), statement("new")])
    assert first.status_code == 201 and again.status_code == 201
    assert [s["status"] for s in again.json()["statements"]] == ["existing", "created"]
    assert RefusalStatement.objects.count() == 2
    replay = send(api, [statement("same")])
    assert replay.status_code == 200 and replay.json()["existing"] == 1
    assert Entry.objects.filter(kind="refusals.reported").count() == 2


def test_another_statement_under_a_stored_puid_is_a_conflict(api):
    send(api, [statement("same")])
    response = send(api, [statement("fresh"), statement("same", decision_facts="Something else.")])
    assert response.status_code == 409
    assert response.json()["errors"]["statements"] == {
        "1": {"puid": ["The puid 'same' was already used for another statement."]}
    }
    assert RefusalStatement.objects.count() == 1


def test_the_idempotency_key_replays_the_answer(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "batch-1"}
    first = send(api, [statement("x")], **headers)
    second = send(api, [statement("x")], **headers)
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"


@pytest.mark.django_db(transaction=True)
def test_two_batches_at_once_store_a_puid_once(organization, publisher, system, guideline):
    _, value = make_key(organization, publisher)
    answers = []

    def report():
        try:
            answers.append(send(key_client(value), [statement("race")]).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=report) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 201]
    assert RefusalStatement.objects.filter(puid="race").count() == 1


def test_a_batch_costs_the_same_queries_whatever_its_size(api):
    def queries(batch) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert send(api, batch).status_code == 201
        return len(captured)

    send(api, [statement("first")])  # the key's first use and the record's first entry cost their own queries
    assert queries([statement(f"a-{n}") for n in range(5)]) == queries([statement(f"b-{n}") for n in range(400)])
