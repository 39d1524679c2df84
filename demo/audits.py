"""A demo audit for a development site: declared, some appeals read, closed, reported on and answered.

Called once from `seed_demo`, after the demo appeals; running it again changes nothing."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import AuditorProfile, Organization, User
from appeals.models import Appeal
from audits import services
from audits.models import Audit

AUDITOR_EMAIL = "auditor@demo.whodecides.test"
PURPOSE = """We examine how {name} applies its refusal guideline to medical and security requests:
whether the refusals that were appealed cite the right clause, whether moderators' redactions keep the
substance of the appeal, and whether the outcomes are consistent across similar cases.

We read the original excerpts and grounds of the appeals in scope. We will publish our findings here and
quote nothing that identifies an appellant."""
REPORT = """### Summary

We read the originals of {count} appeals against {name} filed in the audit's period.

### Findings

1. **Clause citations.** In every appeal we read, the refusal cited the clause it was appealed under; the
   clauses on *medication and dosage* (R-1.1) drew the most appeals.
2. **Redaction.** The public excerpts removed names, phone numbers and addresses and kept the substance of
   the request in each case.
3. **Consistency.** Similar dosage questions were refused and later overturned; the guideline's wording does
   not separate general safety information from individual advice.

### Recommendation

Reword R-1.1 so that general, label-level safety information is not refused.
"""
RESPONSE = """We thank the auditors. We accept the finding on R-1.1 and will propose new wording in the next
draft of our refusal guideline, open to public comment."""


def create_demo_audit(*, organization: Organization) -> None:
    auditor = User.objects.filter(email=AUDITOR_EMAIL).first()
    if auditor is None or Audit.objects.filter(auditor__user=auditor).exists():
        return
    if not AuditorProfile.objects.filter(user=auditor).exists():
        return
    publisher = User.objects.filter(memberships__organization=organization).order_by("pk").first()
    appeals = list(Appeal.objects.filter(guideline__organization=organization).order_by("filed_at", "pk"))
    if publisher is None or not appeals:
        return
    audit = services.declare_audit(
        by=auditor,
        title=f"Medical and security refusals at {organization.name}",
        purpose=PURPOSE.format(name=organization.name),
        organizations=[organization],
        period_from=timezone.localdate(appeals[0].filed_at) - timedelta(days=1),
        period_to=timezone.localdate(),
    )
    read = appeals[:3]
    for appeal in read:
        services.record_read(audit=audit, appeal=appeal, by=auditor)
    services.close_audit(audit=audit, by=auditor, note="Fieldwork finished; the report follows.")
    services.publish_report(audit=audit, by=auditor, body=REPORT.format(count=len(read), name=organization.name))
    services.respond_to_audit(audit=audit, organization=organization, by=publisher, body=RESPONSE)
