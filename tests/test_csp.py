"""A strict Content-Security-Policy on every page, and pages that need nothing it forbids."""

import re

import pytest

from accounts.models import User
from tests.site_map import demo_path_values, fill, routes

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "manifest-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}
# What the policy would block: inline scripts and styles, event-handler attributes, javascript: links.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I
)
ROLES = ["citizen", "publisher", "moderator", "reviewer", "auditor"]


def policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    return dict(directive.split(" ", 1) for directive in header.split("; ") if directive)


def test_every_page_has_the_policy_and_nothing_it_would_block(client, settings, demo):
    real = demo_path_values()
    settings.DEBUG = False
    pages = [fill(route, real) for route in routes() if not route.startswith("/admin/")] + ["/admin/login/"]
    problems, checked = [], 0
    for who in [None, *ROLES]:
        client.logout()
        if who:
            client.force_login(User.objects.get(email=f"{who}@demo.whodecides.test"))
        for url in pages:
            response = client.get(url)
            if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
                checked += 1
                if policy(response) != POLICY:
                    problems.append((who, url, "no policy"))
                problems += [(who, url, found) for found in INLINE.findall(response.content.decode())]
    assert checked > 150
    assert problems == []


def test_the_api_docs_load_swagger_ui_from_this_site(client):
    page = client.get("/api/docs/").content.decode()
    assert '<html lang="en">' in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
