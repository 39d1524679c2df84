"""GET /api/v1/audits/ and /api/v1/audits/<id>/: the public parts of audits, cursor-paginated."""

from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone
from rest_framework.test import APIClient

from audits import services
from tests.audits.conftest import PRIVATE_PROMPT, make_auditor


def test_an_audit_in_the_api_shows_its_public_parts(auditor, audit, appeal, publisher, organization):
    services.record_read(audit=audit, appeal=appeal, by=auditor)
    services.publish_report(audit=audit, by=auditor, body="Findings.")
    services.respond_to_audit(audit=audit, organization=organization, by=publisher, body="Noted.")
    response = APIClient().get(f"/api/v1/audits/{audit.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert {k: data[k] for k in ["id", "title", "auditor", "organizations", "status", "closed_at"]} == {
        "id": audit.pk,
        "title": "Medical refusals at Acme",
        "auditor": "Jo Roe, Open Audit Lab",
        "organizations": ["acme"],
        "status": "open",
        "closed_at": None,
    }
    assert [r["body"] for r in data["reports"]] == ["Findings."]
    assert data["reports"][0]["pdf"] is None
    assert [(r["organization"], r["body"]) for r in data["responses"]] == [("acme", "Noted.")]
    assert PRIVATE_PROMPT not in response.content.decode()


def test_a_closed_audit_says_so(auditor, audit):
    services.close_audit(audit=audit, by=auditor)
    data = APIClient().get(f"/api/v1/audits/{audit.pk}/").json()
    assert data["status"] == "closed"
    assert data["closed_at"]


def test_an_unknown_audit_is_a_json_404(db):
    response = APIClient().get("/api/v1/audits/999/")
    assert response.status_code == 404
    assert response.json()["detail"]


def declare(auditor, organization, title):
    today = timezone.localdate()
    return services.declare_audit(
        by=auditor,
        title=title,
        purpose="p",
        organizations=[organization],
        period_from=today - timedelta(days=5),
        period_to=today,
    )


def test_the_list_is_newest_first_cursor_paginated_in_constant_queries(
    organization, other_organization, django_assert_max_num_queries
):
    auditor = make_auditor("Lab A")
    for n in range(5):
        declare(auditor, organization if n % 2 else other_organization, f"Audit {n}")
    client, titles, url = APIClient(), [], "/api/v1/audits/?page_size=2"
    while url:
        with django_assert_max_num_queries(5):
            page = client.get(url).json()
        titles += [audit["title"] for audit in page["results"]]
        url = page["next"]
    assert titles == [f"Audit {n}" for n in range(4, -1, -1)]


def test_the_list_filters_by_organization(organization, other_organization):
    auditor = make_auditor("Lab A")
    declare(auditor, organization, "Of Acme")
    declare(auditor, other_organization, "Of Globex")
    page = APIClient().get("/api/v1/audits/", {"organization": "globex"}).json()
    assert [audit["title"] for audit in page["results"]] == ["Of Globex"]


def test_an_unknown_organization_is_a_clear_400(db):
    response = APIClient().get("/api/v1/audits/", {"organization": "nobody"})
    assert response.status_code == 400
    assert "organization" in response.json()["errors"]


def test_the_organization_page_partial_lists_its_audits_only(organization, other_organization):
    auditor = make_auditor("Lab A")
    declare(auditor, organization, "Of Acme")
    declare(auditor, other_organization, "Of Globex")
    html = Template('{% include "audits/includes/organization_audits.html" %}').render(
        Context({"organization": organization})
    )
    assert "Of Acme" in html and "Lab A" in html
    assert "Of Globex" not in html


def test_the_audit_list_page_filters_by_organization_and_pages(client, organization, other_organization):
    auditor = make_auditor("Lab A")
    declare(auditor, organization, "Of Acme")
    declare(auditor, other_organization, "Of Globex")
    page = client.get("/audits/", {"organization": "acme"}).text
    assert "Of Acme" in page and "Of Globex" not in page
    assert client.get("/audits/", {"before": "x"}).status_code == 404
