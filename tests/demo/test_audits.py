from django.core.management import call_command

from audits.models import Audit, AuditRead
from ledger.services import check_chain


def test_seed_demo_publishes_one_audit_with_a_report_and_a_response_once(demo, settings, tmp_path):
    settings.DEBUG = True
    audit = Audit.objects.get()
    assert audit.auditor.user.email == "auditor@demo.whodecides.test"
    assert not audit.is_open
    assert audit.reports.count() == 1 and audit.responses.count() == 1
    assert AuditRead.objects.filter(audit=audit).count() == 3
    assert check_chain().ok
    call_command("seed_demo", stdout=open(tmp_path / "again.txt", "w"))  # noqa: SIM115
    assert Audit.objects.count() == 1
    assert "auditor@demo.whodecides.test" in (tmp_path / "again.txt").read_text()
