import pytest
from django.test import RequestFactory

from core.redirects import next_url


@pytest.mark.parametrize("target", ["/guidelines/", "/guidelines/?status=final"])
def test_a_path_on_this_site_is_followed(target):
    assert next_url(RequestFactory().post("/", {"next": target}), "/fallback/") == target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "guideline-list", "\ufffd", "x" * 5000])
def test_anything_else_falls_back(target):
    assert next_url(RequestFactory().post("/", {"next": target}), "/fallback/") == "/fallback/"
