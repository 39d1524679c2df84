"""Hostile input (NUL bytes, lone surrogates, huge strings, deep nesting) gets a clear 4xx, never a 5xx."""

import json

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import serializers
from rest_framework.test import APIClient

from accounts.models import User
from consultation.models import Comment, GuidelineVersion
from tests.consultation.factories import consultation
from tests.factories import GuidelineFactory
from tests.site_map import demo_path_values, fill, routes

pytestmark = pytest.mark.django_db

VERSION = "/guidelines/acme/medical/v1"
API_VERSION = "/api/v1/guidelines/acme/medical/versions/1"


def test_a_nul_byte_in_a_query_string_is_refused_with_a_page_that_says_why(client, organization):
    consultation(organization)
    response = client.get("/guidelines/?organization=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"NUL" in response.content
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_nul_byte_in_an_api_query_string_is_refused_in_the_api_error_shape(client, organization):
    consultation(organization)
    response = client.get(f"{API_VERSION}/comments/?clause=%00")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("clause: This contains a NUL byte")
    assert list(response.json()["errors"]) == ["clause"]


def test_a_nul_byte_in_the_path_is_refused(client, organization):
    consultation(organization)
    assert client.get(f"{VERSION}/clauses/%00/").status_code == 400


def test_a_nul_byte_in_a_form_field_is_refused_and_changes_nothing(client, organization, citizen):
    consultation(organization)
    client.force_login(citizen)
    response = client.post(f"{VERSION}/comments/new/", {"clause": "R-1.1", "body": "Too broad.\x00"})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_deeply_nested_json_is_refused_with_a_clear_message(db):
    response = APIClient().post("/api/v1/auth/token/", "[" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


@pytest.mark.parametrize("text", ["\x00", "\ud800"])
def test_json_strings_that_cannot_be_stored_are_refused_naming_the_field(db, text):
    body = json.dumps({"email": "a@example.org", "password": f"x{text}"})
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]


def test_a_json_key_that_cannot_be_stored_is_refused(db):
    body = json.dumps({"email": "a@example.org", "password": "x", "extra\x00": 1})
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_an_oversized_body_is_refused_from_its_length_before_it_is_read(client, citizen):
    client.force_login(citizen)
    # The claimed length is far beyond the few bytes sent: reading them would fail the test client's payload check.
    too_big = {"CONTENT_LENGTH": str(300 * 1024 * 1024)}
    page = client.post("/appeals/new/", {"grounds": "x"}, **too_big)
    api = client.post("/api/v1/appeals/", {"grounds": "x"}, **too_big)
    assert (page.status_code, api.status_code) == (413, 413)
    assert b"too large" in page.content
    assert api.json() == {"detail": api.json()["detail"], "errors": {}}


# Every URL pattern of the site, with its path parameters filled twice: with hostile values and with real demo
# objects (so the views behind the lookups run too), sent hostile query strings, forms and JSON bodies.

HOSTILE_PATH_VALUES = {"int": "9" * 30, "slug": "x" * 2000, "str": "%00", "path": "%00", "public_id": "A-9999-999999"}
HUGE = "x" * (10 * 1024 * 1024)
QUERY_NAMES = ["page", "page_size", "cursor", "after", "size", "from", "to", "q", "next", "format", "organization"]
QUERY_NAMES += ["clause", "status", "system", "guideline", "outcome"]


def _field_names() -> list[str]:
    """The name of every field of every form and serializer, so each posted body reaches real fields."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = {name for form in subclasses(forms.Form) for name in form.base_fields}
    names |= {name for serializer in subclasses(serializers.Serializer) for name in serializer._declared_fields}
    return sorted(names | set(QUERY_NAMES))


def _bodies(names: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Query strings, form bodies and JSON bodies, built once: NUL, a lone surrogate, long and huge strings.

    A lone surrogate reaches the server as its (invalid) UTF-8 bytes in forms, as an escape in JSON.
    """
    queries = ["&".join(f"{name}={value}" for name in QUERY_NAMES) for value in ["%00", "%ED%BF%BF", "x" * 400]] + [
        f"q={HUGE}"
    ]
    forms = ["&".join(f"{name}={value}" for name in names) for value in ["%00", "%ED%BF%BF", "x" * 10_000]]
    jsons = [json.dumps(dict.fromkeys(names, value)) for value in ["\x00", "\udfff", "x" * 10_000]]
    jsons += ["[" * 5000, '{"a":' * 5000 + "1" + "}" * 5000]
    return queries, forms + [f"body={HUGE}"], jsons


def _requests(path: str, bodies, *, huge: bool):
    """(method, url, keyword arguments) of the hostile requests sent to one path; JSON only to the API."""
    queries, forms, jsons = bodies
    if not huge:  # 10 MB addresses are refused before routing: once per pattern is enough
        queries = queries[:-1]
    if "%00" in path:  # refused before anything else is read
        yield "get", path, {}
        return
    if path.startswith("/admin/"):  # the admin's one gate, sign-in, stands before all of its views
        queries, forms = queries[1:2], forms[2:3]
    yield from (("get", f"{path}?{query}", {}) for query in queries)
    form = "application/x-www-form-urlencoded"
    yield from (("post", path, {"data": body, "content_type": form}) for body in forms)
    if path.startswith("/api/"):
        yield from (("post", path, {"data": body, "content_type": "application/json"}) for body in jsons)


@pytest.mark.parametrize("actor", ["visitor", "citizen"])
def test_no_url_answers_a_5xx_to_hostile_input(client, settings, demo, actor):
    real = demo_path_values()
    settings.DEBUG = False
    hostile = {kind: (lambda name, route, v=value: v) for kind, value in HOSTILE_PATH_VALUES.items()}
    hostile["regex"] = lambda name, route: "%00"
    bodies = _bodies(_field_names())
    if actor == "citizen":
        client.force_login(User.objects.get(email="citizen@demo.whodecides.test"))
    client.raise_request_exception = False
    answers = [
        (method, url[:100], getattr(client, method)(url, **kwargs).status_code)
        for route in routes()
        for path, huge in {fill(route, hostile): False, fill(route, real): True}.items()
        for method, url, kwargs in _requests(path, bodies, huge=huge)
    ]
    assert len(answers) > 1000
    assert [answer for answer in answers if answer[2] >= 500] == []


def test_an_uploaded_markdown_file_with_a_nul_byte_is_refused(client, publisher, organization):
    # A file's content is not a form field: the middleware cannot see it, the import form must.
    GuidelineFactory(organization=organization, slug="medical")
    client.force_login(publisher)
    upload = SimpleUploadedFile("draft.md", b"## R-1.1 Dosages\n\nNever\x00.\n", content_type="text/markdown")
    response = client.post("/publish/acme/medical/drafts/import/", {"file": upload})
    assert response.status_code == 400
    assert not GuidelineVersion.objects.exists()
