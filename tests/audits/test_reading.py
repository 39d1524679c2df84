"""Within an open audit, its auditor reads the non-public parts of the appeals it covers, and every read is on the
public record; every other request is refused before anything is recorded."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audits import auditor_views, services
from audits.models import AuditRead
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import AISystemFactory, file, published_guideline, screenshot
from tests.audits.conftest import PRIVATE_GROUNDS, PRIVATE_PROMPT


def read_url(audit, appeal) -> str:
    return reverse("audit-appeal", args=[audit.pk, appeal.public_id])


def attachment_url(audit, appeal) -> str:
    return reverse("audit-attachment", args=[audit.pk, appeal.public_id, appeal.attachments.get().pk])


def reads_recorded() -> list[dict]:
    return [json.loads(entry.payload) for entry in Entry.objects.filter(kind=EntryKind.AUDIT_READ).order_by("seq")]


def test_the_auditor_reads_the_originals_and_the_read_is_on_the_record(client, auditor, audit, appeal):
    client.force_login(auditor)
    response = client.get(read_url(audit, appeal))
    assert response.status_code == 200
    assert PRIVATE_PROMPT in response.text
    assert PRIVATE_GROUNDS in response.text
    assert reads_recorded() == [
        {"appeal": appeal.public_id, "audit": audit.pk, "auditor": "Jo Roe, Open Audit Lab", "data": "appeal"}
    ]
    entry = Entry.objects.get(kind=EntryKind.AUDIT_READ)
    assert entry.subject == f"audit:{audit.pk}"
    assert "0612345678" not in entry.payload and "Secret Lane" not in entry.payload


def test_the_personal_data_found_is_listed_in_words(client, auditor, audit, citizen, system, guideline):
    appeal = file(citizen, system, guideline, prompt_excerpt="Write to ada@example.org about the dose")
    client.force_login(auditor)
    page = client.get(read_url(audit, appeal)).text
    assert "An email address in the prompt excerpt" in page
    assert "{&#x27;" not in page and "{'" not in page


def test_each_read_is_recorded_again(client, auditor, audit, appeal):
    client.force_login(auditor)
    client.get(read_url(audit, appeal))
    client.get(read_url(audit, appeal))
    assert len(reads_recorded()) == 2


def test_the_audit_page_lists_the_reads_without_the_data(client, auditor, audit, appeal):
    client.force_login(auditor)
    client.get(read_url(audit, appeal))
    client.logout()
    page = client.get(audit.get_absolute_url()).text
    assert appeal.public_id in page
    assert "The original excerpts, grounds and conversation address" in page
    assert f"#{AuditRead.objects.get().seq}" in page
    assert "0612345678" not in page


def test_a_private_attachment_is_served_and_recorded(client, auditor, audit, appeal):
    client.force_login(auditor)
    response = client.get(attachment_url(audit, appeal))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["Cache-Control"] == "private, no-store"
    item = appeal.attachments.get()
    assert reads_recorded()[0] == {
        "appeal": appeal.public_id,
        "attachment": item.pk,
        "audit": audit.pk,
        "auditor": "Jo Roe, Open Audit Lab",
        "data": "attachment",
    }


def test_a_file_that_cannot_be_served_leaves_no_record(client, auditor, audit, appeal):
    """The entry is written in the transaction that serves the file: no file, no entry."""
    item = appeal.attachments.get()
    item.file.storage.delete(item.file.name)
    client.force_login(auditor)
    with pytest.raises(FileNotFoundError):
        client.get(attachment_url(audit, appeal))
    assert reads_recorded() == []
    assert not AuditRead.objects.exists()


def test_a_public_attachment_is_sent_to_its_public_address_unrecorded(client, auditor, audit, appeal):
    appeal.attachments.update(public=True)
    appeal.status = "awaiting_review"
    appeal.save(update_fields=["status"])
    client.force_login(auditor)
    response = client.get(attachment_url(audit, appeal))
    assert response.status_code == 302
    assert response.url == appeal.attachments.get().get_absolute_url()
    assert reads_recorded() == []


def test_the_list_of_appeals_in_scope_shows_public_facts_only_and_records_nothing(
    client, auditor, audit, appeal, old_appeal, other_appeal
):
    client.force_login(auditor)
    page = client.get(reverse("audit-appeals", args=[audit.pk])).text
    assert appeal.public_id in page
    assert old_appeal.public_id not in page
    assert other_appeal.public_id not in page
    assert PRIVATE_PROMPT not in page
    assert reads_recorded() == []


def test_the_list_of_appeals_in_scope_is_paged_in_constant_queries(
    client, auditor, audit, citizen, system, guideline, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(auditor_views, "APPEALS_PER_PAGE", 2)
    filed = [file(citizen, system, guideline, refusal_excerpt=f"Refusal {n}").public_id for n in range(5)]
    client.force_login(auditor)
    url, seen = reverse("audit-appeals", args=[audit.pk]), []
    while url:
        with django_assert_max_num_queries(11):
            page = client.get(url).text
        seen += re.findall(r"A-[0-9]{4}-[0-9]{6}", page)
        older = re.search(r'href="\?before=([0-9]+)"', page)
        url = f"{reverse('audit-appeals', args=[audit.pk])}?before={older.group(1)}" if older else None
    assert list(dict.fromkeys(seen)) == filed[::-1]


# Refused paths: each is refused with a reason, and nothing reaches the record.


def assert_refused(response, message: str) -> None:
    assert response.status_code == 403
    assert message in response.content.decode()
    assert reads_recorded() == []
    assert not AuditRead.objects.exists()


def test_an_appeal_of_an_organization_outside_the_audit_is_refused(client, auditor, audit, other_appeal):
    client.force_login(auditor)
    assert_refused(client.get(read_url(audit, other_appeal)), "concerns Globex, which this audit does not cover")


def test_an_appeal_filed_outside_the_period_is_refused(client, auditor, audit, old_appeal):
    client.force_login(auditor)
    assert_refused(client.get(read_url(audit, old_appeal)), "outside this audit&#x27;s period")


def test_a_closed_audit_reads_nothing(client, auditor, audit, appeal):
    services.close_audit(audit=audit, by=auditor)
    client.force_login(auditor)
    assert_refused(client.get(read_url(audit, appeal)), "This audit is closed")
    assert_refused(client.get(attachment_url(audit, appeal)), "This audit is closed")
    assert_refused(client.get(reverse("audit-appeals", args=[audit.pk])), "This audit is closed")


def test_another_auditors_audit_is_refused(client, other_auditor, audit, appeal):
    client.force_login(other_auditor)
    message = "This audit was declared by Jo Roe, Open Audit Lab; only they may read appeals under it."
    assert_refused(client.get(read_url(audit, appeal)), message)
    assert_refused(client.get(attachment_url(audit, appeal)), message)


def test_an_attachment_outside_the_scope_is_refused(client, auditor, audit, citizen, other_organization):
    guideline = published_guideline(other_organization, slug="globex-refusals")
    system = AISystemFactory(organization=other_organization, slug="globex-bot")
    outside = file(citizen, system, guideline, attachments=[screenshot()])
    client.force_login(auditor)
    assert_refused(client.get(attachment_url(audit, outside)), "which this audit does not cover")


@pytest.mark.parametrize("person", ["citizen", "publisher", "moderator", "reviewer"])
def test_people_who_are_not_auditors_are_refused(client, request, person, audit, appeal):
    client.force_login(request.getfixturevalue(person))
    message = "Only auditors read non-public appeal data"
    assert_refused(client.get(read_url(audit, appeal)), message)
    assert_refused(client.get(attachment_url(audit, appeal)), message)
    assert_refused(client.get(reverse("audit-appeals", args=[audit.pk])), message)


def test_a_deactivated_auditor_is_refused(client, auditor, audit, appeal):
    auditor.auditor_profile.active = False
    auditor.auditor_profile.save()
    client.force_login(auditor)
    assert_refused(client.get(read_url(audit, appeal)), "Only auditors read non-public appeal data")


def test_a_visitor_is_asked_to_sign_in(client, audit, appeal):
    response = client.get(read_url(audit, appeal))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert reads_recorded() == []


def test_an_unknown_appeal_or_attachment_is_not_found_and_unrecorded(client, auditor, audit, appeal):
    client.force_login(auditor)
    assert client.get(f"/audits/{audit.pk}/appeals/A-2020-999999/").status_code == 404
    url = reverse("audit-attachment", args=[audit.pk, appeal.public_id, 999999])
    assert client.get(url).status_code == 404
    assert reads_recorded() == []


def test_the_service_refuses_what_the_pages_refuse(auditor, audit, old_appeal, other_auditor, appeal):
    with pytest.raises(PermissionDenied, match="outside this audit's period"):
        services.record_read(audit=audit, appeal=old_appeal, by=auditor)
    with pytest.raises(PermissionDenied, match="only they may read"):
        services.record_read(audit=audit, appeal=appeal, by=other_auditor)
    assert reads_recorded() == []
