from django.core.management import call_command

from appeals.models import Appeal, Decision, DecisionCitation, OrganizationResponse
from ledger.kinds import EntryKind
from ledger.models import Entry
from ledger.services import check_chain


def test_seed_demo_creates_appeals_in_every_status_once(demo, settings, tmp_path):
    settings.DEBUG = True
    assert set(Appeal.objects.values_list("status", flat=True)) == {status for status, _ in Appeal.STATUS_CHOICES}
    assert set(Decision.objects.values_list("outcome", flat=True)) == {o for o, _ in Decision.OUTCOME_CHOICES}
    assert Decision.objects.filter(supersedes__isnull=False).count() == 1
    assert OrganizationResponse.objects.count() == 1
    assert list(DecisionCitation.objects.values_list("relation", flat=True)) == ["distinguishes"]
    published = Entry.objects.filter(kind=EntryKind.VERSION_FINAL_PUBLISHED, subject__contains="assistant-refusals")
    assert published.count() == 1  # the guideline the appeals cite is on the public record
    assert check_chain().ok
    count = Appeal.objects.count()
    call_command("seed_demo", stdout=open(tmp_path / "again.txt", "w"))  # noqa: SIM115
    assert Appeal.objects.count() == count
