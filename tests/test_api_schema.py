"""The OpenAPI schema says what each operation can answer, and the parameters it declares are validated."""

import functools
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.ledger.test_record import record

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/Error"


@functools.cache
def api_schema():
    """Built once for the module: it depends on the code only, and takes a second to build."""
    return APIClient().get("/api/schema/", {"format": "json"}).json()


def operations():
    return [(path, method, op) for path, ops in api_schema()["paths"].items() for method, op in ops.items()]


def parameter(path, name):
    """The schema of the GET parameter `name` of `path`."""
    get = next(op for where, method, op in operations() if where == path and method == "get")
    return next(p for p in get["parameters"] if p["name"] == name)["schema"]


def test_every_operation_documents_its_errors_in_the_one_error_shape():
    for path, method, operation in operations():
        responses = operation["responses"]
        expected = {"400", "414", "429"} | ({"404"} if "{" in path else set())
        expected |= {"403", "413", "415"} if method == "post" else set()
        assert expected <= set(responses), (method, path)
        for code in expected:
            assert responses[code]["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, (path, code)


def test_page_size_is_documented_with_its_bounds():
    parameters = next(op for path, _, op in operations() if path == "/api/v1/record/")["parameters"]
    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}


@pytest.mark.parametrize("value", ["0", "201", "ten", "-1", "²", "9" * 40])
def test_a_page_size_out_of_bounds_is_a_400_naming_it(value):
    response = APIClient().get("/api/v1/record/", {"page_size": value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]


def test_a_cursor_that_was_not_handed_out_is_a_400_naming_it():
    response = APIClient().get("/api/v1/record/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


def text_schemas():
    """(where, schema) of every text the schema lets a client send: parameters and request body fields."""
    for path, method, operation in operations():
        for parameter in operation.get("parameters", []):
            yield f"{method} {path} {parameter['name']}", parameter["schema"]
    for name, component in api_schema()["components"]["schemas"].items():
        if name.endswith("Input"):
            for field, field_schema in component["properties"].items():
                for option in field_schema.get("oneOf", [field_schema]):
                    yield f"{name}.{field}", option.get("items", option)


def test_every_text_input_says_that_nul_is_refused():
    for where, schema in text_schemas():
        if schema.get("type") == "string" and not {"enum", "format"} & schema.keys() and schema.get("maxLength") != 0:
            assert not re.fullmatch(schema["pattern"], "a\x00b"), where


def test_a_text_that_may_not_be_blank_says_so_as_the_server_counts_blank():
    appeal = api_schema()["components"]["schemas"]["AppealInput"]
    pattern = appeal["properties"]["grounds"]["pattern"]
    for blank in ["", " ", "\t\n", "\x1c\u3000\xa0"]:
        assert blank.strip() == "" and not re.fullmatch(pattern, blank)
    assert re.fullmatch(pattern, " a ")


def test_the_cursor_format_is_stated_and_the_links_follow_it(db):
    record(3)
    pattern = parameter("/api/v1/record/", "cursor")["pattern"]
    link = APIClient().get("/api/v1/record/", {"page_size": 1}).json()["next"]
    assert re.fullmatch(pattern, parse_qs(urlsplit(link).query)["cursor"][0])


@pytest.mark.parametrize("cursor", ["n", "b", "n2", "b2", "n0", "n007", "n2+3", "b" + "9" * 18])
def test_every_cursor_the_schema_allows_is_a_place_in_the_list(cursor):
    record(3)
    assert re.fullmatch(parameter("/api/v1/record/", "cursor")["pattern"], cursor)
    assert APIClient().get("/api/v1/record/", {"cursor": cursor}).status_code == 200


@pytest.mark.parametrize("cursor", ["", "x1", "n-1", "n1+", "n" + "9" * 19, "cD0x", "n1\n", "n²"])
def test_every_cursor_the_schema_refuses_is_a_400(cursor):
    assert not re.fullmatch(parameter("/api/v1/record/", "cursor")["pattern"], cursor)
    assert APIClient().get("/api/v1/record/", {"cursor": cursor}).status_code == 400


def test_proof_sizes_are_stated_from_one():
    assert parameter("/api/v1/record/consistency/", "from")["minimum"] == 1
    assert parameter("/api/v1/record/consistency/", "to")["minimum"] == 1
    assert parameter("/api/v1/record/{seq}/proof/", "size")["minimum"] == 1


@pytest.mark.parametrize("value", ["0000-01", "0000-Q1", "9999-12", "٢٠٢٦-03"])
def test_a_period_outside_the_stated_pattern_is_a_400_not_a_crash(value):
    assert not re.fullmatch(parameter("/api/v1/statistics/", "from")["pattern"], value)
    assert APIClient().get("/api/v1/statistics/", {"from": value}).status_code == 400


@pytest.mark.parametrize("value", ["", "2026-03", "2026-Q1", "2026-q4", "1000-01", "2999-12"])
def test_a_period_the_schema_allows_is_answered(value):
    assert re.fullmatch(parameter("/api/v1/statistics/", "to")["pattern"], value)
    assert APIClient().get("/api/v1/statistics/", {"to": value}).status_code == 200


def test_a_filter_is_stated_as_long_as_the_server_takes_it():
    clause = parameter("/api/v1/decisions/", "clause")
    assert APIClient().get("/api/v1/decisions/", {"clause": "R" * clause["maxLength"]}).status_code == 200
    assert APIClient().get("/api/v1/decisions/", {"clause": "R" * (clause["maxLength"] + 1)}).status_code == 400


def test_fields_beside_a_bodys_own_are_stated_to_refuse_nul_as_the_server_does(citizen):
    token = api_schema()["components"]["schemas"]["TokenInput"]
    assert not re.fullmatch(token["propertyNames"]["pattern"], "x\x00")
    assert re.search(token["additionalProperties"]["not"]["pattern"], "a\x00b")
    for extra in [{"x\x00": "1"}, {"x": "a\x00b"}]:
        body = {"email": citizen.email, "password": PASSWORD, **extra}
        assert APIClient().post("/api/v1/auth/token/", body, format="json").status_code == 400
    assert (
        APIClient().post("/api/v1/auth/token/", {"email": citizen.email, "password": PASSWORD, "x": "y"}).status_code
        == 200
    )
