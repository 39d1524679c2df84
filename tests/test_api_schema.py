"""The OpenAPI schema says what each operation can answer, and the parameters it declares are validated."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/Error"


def operations():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    return [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


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
