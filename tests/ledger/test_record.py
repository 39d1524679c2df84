import pytest
from rest_framework.test import APIClient

from ledger.checkpoints import publish_checkpoint
from ledger.kinds import EntryKind
from ledger.services import append

pytestmark = pytest.mark.django_db


def record(count: int) -> None:
    for n in range(count):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n, "text": "<b>bold</b>"})


def test_the_api_lists_entries_oldest_first_with_their_hashes():
    record(3)
    body = APIClient().get("/api/v1/record/").json()
    assert [entry["seq"] for entry in body["results"]] == [1, 2, 3]
    first = body["results"][0]
    assert set(first) == {"seq", "at", "kind", "subject", "payload", "prev_hash", "hash"}
    assert first["payload"] == {"n": 0, "text": "<b>bold</b>"}
    assert first["at"].endswith("Z") or "+00:00" in first["at"]


def test_the_api_lists_entries_after_a_seq():
    record(5)
    body = APIClient().get("/api/v1/record/?after=3").json()
    assert [entry["seq"] for entry in body["results"]] == [4, 5]


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", "9" * 40, "²"])
def test_a_bad_after_is_a_clear_400(after):
    response = APIClient().get("/api/v1/record/", {"after": after})
    assert response.status_code == 400
    assert "after" in response.json()["errors"]


def test_the_api_pages_with_a_cursor(django_assert_max_num_queries):
    record(7)
    client = APIClient()
    with django_assert_max_num_queries(2):
        body = client.get("/api/v1/record/?page_size=5").json()
    assert [entry["seq"] for entry in body["results"]] == [1, 2, 3, 4, 5]
    rest = client.get(body["next"]).json()
    assert [entry["seq"] for entry in rest["results"]] == [6, 7]
    assert rest["next"] is None


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."


def test_the_record_page_shows_entries_newest_first_and_escapes_them(client):
    append(kind=EntryKind.SCALE_FILLER, subject="<script>alert(1)</script>", payload={"n": 0})
    record(2)
    page = client.get("/record/").content.decode()
    assert page.index("thing:1") < page.index("thing:0")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_record_page_pages_by_seq_in_constant_queries(client, django_assert_num_queries):
    record(60)
    publish_checkpoint()
    # entries, last verification, last check of served texts, checkpoint, its cosignatures, witnesses
    with django_assert_num_queries(6):
        page = client.get("/record/").content.decode()
    assert "?before=11" in page
    older = client.get("/record/?before=11").content.decode()
    assert "thing:9" in older and "thing:10" not in older


def test_the_record_page_empty_state(client):
    assert "The record is empty" in client.get("/record/").content.decode()


@pytest.mark.parametrize("before", ["nope", "²", "9" * 40])
def test_a_bad_page_of_the_record_is_a_404(client, before):
    assert client.get("/record/", {"before": before}).status_code == 404
