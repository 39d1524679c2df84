"""Filing with a refusal receipt: a receipt the system signed with a registered key makes the appeal a verified
refusal, with its system, time and clause; a forged, unknown-key, expired-key, malformed, wrong-system or reused
receipt is refused with its reason and files nothing. Receipts are issued by the companies' example file."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Refusal
from appeals.receipts import verify_receipt
from appeals.services import filing
from appeals.services.system_keys import retire_system_key
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.factories import AISystemFactory, appeal_input, published_guideline
from tests.appeals.receipt_helpers import claims, issue, register, sign
from tests.factories import UserFactory


@pytest.fixture
def other_citizen(db):
    return UserFactory(display_name="Bea Citizen")


@pytest.fixture
def signing_key(system, publisher):
    return register(system, publisher)[0]


def link(receipt: str) -> str:
    return f"{reverse('file-appeal')}?receipt={quote(receipt)}"


def hidden(page: str, name: str) -> str:
    return unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


APPEAL = {
    "prompt_excerpt": "Is ibuprofen safe with coffee?",
    "refusal_excerpt": "I cannot give medical advice.",
    "language": "en",
    "clause_keys": ["R-1.1"],
    "grounds": "General facts printed on the leaflet.",
    "requested_outcome": "overturned",
}


def test_the_examples_receipt_files_a_verified_refusal_through_its_link(
    client, citizen, moderator, system, guideline, signing_key
):
    receipt = issue(signing_key, request="Is ibuprofen safe with coffee?")
    client.force_login(citizen)
    step = client.get(link(receipt))
    assert "Verified refusal" in step.text and "key <code>k1</code>" in step.text
    assert 'value="R-1.1" id="clause-R-1.1" checked' in step.text  # the clause it cited, chosen already
    check = client.post(link(receipt), APPEAL)
    assert "Check your answers" in check.text and "signed by Acme Helper key <code>k1</code>" in check.text
    confirm = {"answers": hidden(check.text, "answers"), "once": hidden(check.text, "once"), "confirm": "1"}
    client.post(link(receipt), confirm)
    appeal = Appeal.objects.get()
    assert appeal.refusal.is_verified and appeal.refusal.receipt == receipt
    assert appeal.refusal.happened_at == verify_receipt(receipt).refused_at
    page = client.get(appeal.get_absolute_url()).text
    assert "Verified refusal" in page and "signed by Acme Helper key <code>k1</code>" in page
    filed = Entry.objects.get(kind=EntryKind.APPEAL_FILED)
    assert filed.data["refusal_receipt"]["kid"] == "k1"
    for listing in ("appeal-list", "my-appeals", "appeal-screening-queue"):
        client.force_login(moderator if listing == "appeal-screening-queue" else citizen)
        assert "Verified refusal" in client.get(reverse(listing)).text, listing


def test_an_appeal_without_a_receipt_is_an_unverified_refusal(client, citizen, system, guideline):
    appeal = services.file_appeal(by=citizen, **appeal_input(system, guideline))
    assert "Unverified refusal" in client.get(appeal.get_absolute_url()).text
    assert client.get(reverse("api-appeal", args=[appeal.public_id])).json()["verified_refusal"] is False
    assert Entry.objects.get(kind=EntryKind.APPEAL_FILED).data["refusal_receipt"] is None


def refused(client, receipt: str, reason: str) -> None:
    response = client.get(link(receipt))
    assert response.status_code == 400
    assert reason in unescape(response.text), unescape(response.text)


def test_a_forged_receipt_is_refused(client, system, guideline, signing_key):
    refused(client, sign(Ed25519PrivateKey.generate(), claims()), "does not match Acme Helper's key k1")


def test_an_altered_receipt_is_refused(client, system, guideline, signing_key):
    header, _, signature = issue(signing_key).split(".")
    other = sign(signing_key, claims(clause="R-3.1")).split(".")[1]
    refused(client, f"{header}.{other}.{signature}", "altered or forged")


def test_a_receipt_of_an_unknown_key_is_refused(client, system, guideline, signing_key):
    refused(client, sign(signing_key, claims(), kid="k9"), "No key 'k9' is registered for the system 'acme/helper'")


def test_a_receipt_after_its_key_was_retired_is_refused(client, system, guideline, publisher):
    private_key, key = register(system, publisher)
    retire_system_key(by=publisher, key=key, valid_until=timezone.now() - timedelta(days=1), reason="rotated")
    refused(client, issue(private_key), "Key k1 of Acme Helper was retired on")


def test_a_receipt_from_before_its_key_was_valid_is_refused(client, system, guideline, publisher):
    private_key, _ = register(system, publisher, valid_from=timezone.now() + timedelta(days=1))
    refused(client, issue(private_key), "was not yet valid")


def test_a_receipt_signed_while_its_key_was_valid_still_verifies_after_retirement(system, guideline, publisher):
    private_key, key = register(system, publisher)
    receipt = sign(private_key, claims(iat=int((timezone.now() - timedelta(days=3)).timestamp())))
    retire_system_key(by=publisher, key=key, valid_until=timezone.now() - timedelta(days=1), reason="rotated")
    assert verify_receipt(receipt).key == key


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "Paste a refusal receipt"),
        ("not a receipt", "This is not a refusal receipt"),
        ("a.b.c", "This is not a refusal receipt"),
        ("x" * 5000, "This is not a refusal receipt"),
        ("e30.e30.e30", "This is not a refusal receipt"),  # {} as header and claims
    ],
)
def test_a_malformed_receipt_is_refused(client, system, guideline, signing_key, token, reason):
    refused(client, token, reason)


def test_a_receipt_with_malformed_claims_is_refused(client, system, guideline, signing_key):
    refused(client, sign(signing_key, claims(iat="yesterday", request_sha256="abc")), "iat, request_sha256 are")
    refused(client, sign(signing_key, {"iss": "acme/helper"}), "jti, iat, clause are missing or malformed")
    refused(client, sign(signing_key, claims(), typ="JWT"), "not a refusal receipt")


def test_a_receipt_is_refused_for_another_system(citizen, system, guideline, signing_key):
    other = AISystemFactory(organization=system.organization, slug="other", name="Acme Other")
    with pytest.raises(ValidationError, match="signed by Acme Helper, not by Acme Other"):
        services.file_appeal(by=citizen, receipt=issue(signing_key), **appeal_input(other, guideline))
    assert not Appeal.objects.exists()


def test_a_receipt_files_one_appeal_only(citizen, other_citizen, system, guideline, signing_key):
    receipt = issue(signing_key)
    services.file_appeal(by=citizen, receipt=receipt, **appeal_input(system, guideline, clause_keys=["R-1.1"]))
    with pytest.raises(ValidationError, match="already been used"):
        services.file_appeal(by=other_citizen, receipt=receipt, **appeal_input(system, guideline))
    assert Appeal.objects.count() == 1


def test_the_database_refuses_a_second_refusal_with_the_same_receipt_even_if_both_pass_the_check(
    citizen, system, guideline, signing_key
):
    """Two filings at once both find the receipt unused; the unique constraint lets only one be stored."""
    appeal = services.file_appeal(by=citizen, receipt=issue(signing_key), **appeal_input(system, guideline))
    first = appeal.refusal
    with pytest.raises(IntegrityError), transaction.atomic():
        Refusal.objects.create(
            system=system, happened_at=first.happened_at, receipt_refusal_id=first.receipt_refusal_id
        )


def test_the_receipts_clause_must_stay_contested(citizen, system, guideline, signing_key):
    with pytest.raises(ValidationError, match="the refusal cited R-1.1"):
        services.file_appeal(
            by=citizen, receipt=issue(signing_key), **appeal_input(system, guideline, clause_keys=["R-2.1"])
        )


def test_a_receipt_can_be_uploaded_or_pasted(client, system, guideline, signing_key):
    receipt = issue(signing_key)
    uploaded = client.post(
        reverse("bring-receipt"), {"receipt_file": SimpleUploadedFile("receipt.jwt", receipt.encode())}
    )
    pasted = client.post(reverse("bring-receipt"), {"receipt": f"  {receipt}\n"})
    assert uploaded.status_code == pasted.status_code == 302 and uploaded.url == pasted.url
    assert "Verified refusal" in client.get(uploaded.url).text


def test_a_bad_upload_is_refused_with_its_reason(client, system, guideline, signing_key):
    binary = client.post(reverse("bring-receipt"), {"receipt_file": SimpleUploadedFile("x.png", b"\x89PNG\xff\xfe")})
    huge = client.post(reverse("bring-receipt"), {"receipt_file": SimpleUploadedFile("x.txt", b"a" * 20000)})
    nothing = client.post(reverse("bring-receipt"), {})
    assert binary.status_code == huge.status_code == nothing.status_code == 400
    assert "a receipt is plain text" in binary.text and "too large" in huge.text
    assert "Paste a refusal receipt" in nothing.text


def test_receipt_checks_are_rate_limited(client, system, guideline, signing_key, monkeypatch):
    monkeypatch.setattr("appeals.filing_views.RECEIPT_CHECKS_PER_HOUR", 2)
    receipt = issue(signing_key)
    assert [client.get(link(receipt)).status_code for _ in range(3)] == [200, 200, 400]


def test_the_api_files_a_verified_refusal_from_the_receipt_alone(client, citizen, system, guideline, signing_key):
    client.force_login(citizen)
    response = client.post(
        reverse("api-appeals"), {**APPEAL, "receipt": issue(signing_key)}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["verified_refusal"] is True and body["system"] == "helper"
    assert body["refusal"]["receipt"]["kid"] == "k1"


def test_the_api_refuses_a_forged_receipt_and_files_nothing(client, citizen, system, guideline, signing_key):
    client.force_login(citizen)
    forged = sign(Ed25519PrivateKey.generate(), claims())
    response = client.post(reverse("api-appeals"), {**APPEAL, "receipt": forged}, content_type="application/json")
    assert response.status_code == 400 and "altered or forged" in response.json()["errors"]["receipt"][0]
    assert not Appeal.objects.exists()


def test_with_two_guidelines_the_receipt_asks_only_which_guideline(client, citizen, system, guideline, signing_key):
    published_guideline(system.organization, slug="other-rules")
    receipt = issue(signing_key)
    client.force_login(citizen)
    step = client.get(link(receipt)).text
    assert "Under which guideline?" in step and "Which system refused you?" not in step
    assert "The receipt was signed by Acme Helper." in step
    chosen = client.get(f"{link(receipt)}&organization=acme&guideline={guideline.slug}").text
    assert "What you asked" in chosen and "signed by Acme Helper key <code>k1</code>" in chosen


def test_the_filing_page_with_a_receipt_reads_a_constant_number_of_queries(
    client, citizen, system, guideline, signing_key, django_assert_max_num_queries
):
    client.force_login(citizen)
    with django_assert_max_num_queries(13):  # the steps' own reads, and one for the receipt's key
        assert client.get(link(issue(signing_key))).status_code == 200


def test_a_filing_that_loses_the_race_for_a_receipt_is_refused_with_the_reason(
    citizen, system, guideline, signing_key, monkeypatch
):
    """Another filing with the same receipt commits between this one's check and its insert: the constraint's
    refusal reads as the reused receipt it is, and nothing of this filing is stored."""
    receipt = issue(signing_key)
    recheck = filing._recheck_key

    def meanwhile(verified):
        recheck(verified)
        Refusal.objects.create(system=system, happened_at=verified.refused_at, receipt_refusal_id=verified.refusal_id)

    monkeypatch.setattr(filing, "_recheck_key", meanwhile)
    with pytest.raises(ValidationError, match="already been used"):
        services.file_appeal(by=citizen, receipt=receipt, **appeal_input(system, guideline))
    assert not Appeal.objects.exists() and not Refusal.objects.exists()
