"""Every public decision as a DSA statement of reasons: the API list and the open-data file, from one mapping."""

import pytest

from appeals import dsa
from appeals.models import Decision
from opendata.datasets import DATASETS
from tests.appeals.factories import decided

LIST = "/api/v1/decisions/dsa-sor/"


@pytest.fixture
def decision(citizen, system, guideline, moderator):
    return decided(citizen, system, guideline, moderator, outcome=Decision.OVERTURNED).decisions.get()


def test_a_decision_is_a_statement_of_reasons_with_the_dsa_field_names(client, decision):
    (item,) = client.get(LIST).json()["results"]
    assert item["puid"] == f"decision-{decision.pk}"
    assert item["decision_ground"] == dsa.INCOMPATIBLE
    assert item["incompatible_content_ground"] == "R-1.1"
    assert item["category"] in dsa.CATEGORY and item["source_type"] in dsa.SOURCE_TYPE
    assert set(item["decision_visibility"]) <= set(dsa.DECISION_VISIBILITY)
    assert set(item["content_type"]) <= set(dsa.CONTENT_TYPE)
    assert item["automated_decision"] in dsa.AUTOMATED_DECISION and item["automated_detection"] in dsa.YES_NO
    assert item["application_date"] == decision.decided_at.date().isoformat()
    assert item["content_date"] == decision.appeal.refusal.happened_at.date().isoformat()
    assert item["decision_facts"] == decision.rationale and "overturned" in item["decision_visibility_other"]
    assert item["ai_system"] == "helper" and item["appeal"] == decision.appeal.public_id
    assert item["decision_ground_reference_url"].endswith(f"#decision-{decision.pk}")


def test_the_list_is_cursor_paginated_in_a_constant_number_of_queries(
    client, citizen, system, guideline, moderator, django_assert_max_num_queries
):
    for handle in ("rae", "sam", "kit"):
        decided(citizen, system, guideline, moderator, handle=handle)
    with django_assert_max_num_queries(4):
        first = client.get(LIST, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert client.get(LIST, {"flavour": "x"}).status_code == 400


def test_the_open_data_file_holds_the_same_statements(client, decision):
    (dataset,) = [d for d in DATASETS if d.name == "dsa-statements-of-reasons"]
    (row,) = list(dataset.rows(10**6))
    (item,) = client.get(LIST).json()["results"]
    assert {k: v for k, v in row.items() if k != "decision_ground_reference_url"} == {
        k: v for k, v in item.items() if k != "decision_ground_reference_url"
    }
    assert set(row) == set(dataset.field_names)
