"""The public audit pages stay a constant number of queries however many audits and reads there are."""

import re
from datetime import timedelta

from django.utils import timezone

from audits import services, views
from audits.models import AuditClosure
from tests.audits.conftest import make_auditor


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


def test_the_audit_list_pages_through_every_audit_in_constant_queries(
    client, organization, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(views, "AUDITS_PER_PAGE", 2)
    auditor = make_auditor("Lab A")
    for n in range(5):
        audit = declare(auditor, organization, f"Audit number {n}")
        services.publish_report(audit=audit, by=auditor, body="Findings.")
    url, seen = "/audits/", []
    while url:
        with django_assert_max_num_queries(8):
            page = client.get(url).text
        seen += re.findall(r"Audit number [0-9]", page)
        older = re.search(r'before=([0-9]+)" rel="next"', page)
        url = f"/audits/?before={older.group(1)}" if older else None
    assert seen == [f"Audit number {n}" for n in range(4, -1, -1)]


def test_the_audit_page_pages_through_its_reads_in_constant_queries(
    client, auditor, audit, appeal, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(views, "READS_PER_PAGE", 2)
    for _ in range(5):
        services.record_read(audit=audit, appeal=appeal, by=auditor)
    url, rows = audit.get_absolute_url(), 0
    while url:
        with django_assert_max_num_queries(10):
            page = client.get(url).text
        rows += page.count('<td data-label="Appeal">')
        older = re.search(r'href="\?before=([0-9]+)" rel="next"', page)
        url = f"{audit.get_absolute_url()}?before={older.group(1)}" if older else None
    assert rows == 5


def test_a_note_too_long_to_close_with_is_refused_with_its_reason(client, auditor, audit):
    client.force_login(auditor)
    response = client.post(f"/audits/{audit.pk}/close/", {"note": "x" * 2001, "confirm": "1"}, follow=True)
    assert "Ensure this value has at most 2000 characters" in response.text
    assert not AuditClosure.objects.exists()
