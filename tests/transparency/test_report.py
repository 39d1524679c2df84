import csv
import io

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from transparency.selectors import organization_quarters


def this_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def test_the_quarterly_report_is_a_printable_page(client, record):
    year, quarter = this_quarter()
    page = client.get(reverse("transparency-report", args=["acme", year, quarter]))
    text = page.content.decode()
    assert f"Transparency report: Acme AI, {year}-Q{quarter}" in text
    assert "Cite as:" in text and "css/statistics.css" in text
    assert 'data-figure="filed"><a href="/appeals/?organization=acme&amp;from=' in text


def test_the_report_downloads_as_csv_with_every_figure(client, record):
    year, quarter = this_quarter()
    response = client.get(reverse("transparency-report-csv", args=["acme", year, quarter]))
    assert response["Content-Disposition"] == f'attachment; filename="transparency-acme-{year}-Q{quarter}.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["section", "subject", "figure", "value"]
    assert ["appeals", "acme", "filed", "7"] in rows
    assert ["appeals", "acme", "outcomes.upheld", "1"] in rows
    assert ["system:appeals", "acme/helper", "decided", "3"] in rows


def test_a_quarter_with_nothing_reports_zeros(client, record):
    response = client.get(reverse("transparency-report-csv", args=["acme", 2001, 1]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert ["appeals", "acme", "filed", "0"] in rows


def test_there_is_no_fifth_quarter_or_unknown_organization(client, record):
    assert client.get("/organizations/acme/reports/2026-Q5/").status_code == 404
    assert client.get("/organizations/nobody/reports/2026-Q1/").status_code == 404


def test_the_quarters_with_figures_are_listed_for_the_organization_page(record):
    year, quarter = this_quarter()
    assert organization_quarters(record["globex"]) == [f"{year}-Q{quarter}"]


def test_the_organization_page_can_list_its_reports(record):
    year, quarter = this_quarter()
    html = Template("{% load statistics_tags %}{% transparency_reports org %}").render(
        Context({"org": record["globex"]})
    )
    assert f'href="/organizations/globex/reports/{year}-Q{quarter}/"' in html
    assert f'href="/organizations/globex/reports/{year}-Q{quarter}.csv"' in html
