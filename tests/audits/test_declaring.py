"""Declaring an audit (auditors only, checked before it is declared, on the record) and closing it."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import AuditorProfile, User
from audits import services
from audits.models import Audit, AuditClosure
from core.models import AppendOnlyError
from ledger.kinds import EntryKind
from ledger.models import Entry


def declaration(organization, **overrides) -> dict:
    today = timezone.localdate()
    values = {
        "title": "Security refusals in 2026",
        "purpose": "Are *security* refusals overturned more often than others?",
        "organizations": [organization.pk],
        "period_from": (today - timedelta(days=90)).isoformat(),
        "period_to": today.isoformat(),
    }
    return values | overrides


def test_create_account_makes_a_publicly_named_auditor(db):
    call_command(
        "create_account",
        "ann@audit.example",
        "--password",
        "pw-123456789",
        "--role",
        "auditor",
        "--name",
        "Ann Auditor, Audit Lab",
    )
    user = User.objects.get(email="ann@audit.example")
    assert permissions.is_auditor(user)
    assert user.auditor_profile.label == "Ann Auditor, Audit Lab"


def test_two_auditors_may_not_share_a_public_name(db, auditor):
    with pytest.raises(CommandError, match="Another auditor is named so"):
        call_command(
            "create_account",
            "twin@audit.example",
            "--password",
            "pw-123456789",
            "--role",
            "auditor",
            "--name",
            "Jo Roe, Open Audit Lab",
        )
    assert not User.objects.filter(email="twin@audit.example").exists()


@pytest.mark.parametrize("person", ["citizen", "publisher", "moderator", "reviewer"])
def test_no_other_role_is_an_auditor(request, person):
    assert not permissions.is_auditor(request.getfixturevalue(person))


def test_the_auditor_checks_then_declares_an_audit(client, auditor, organization):
    client.force_login(auditor)
    check = client.post(reverse("declare-audit"), declaration(organization))
    assert "Check your audit before declaring it" in check.text
    assert not Audit.objects.exists()
    response = client.post(reverse("declare-audit"), declaration(organization) | {"confirm": "1"})
    audit = Audit.objects.get()
    assert response.url == audit.get_absolute_url()
    assert audit.organizations == [organization]
    assert audit.auditor == auditor.auditor_profile


def test_the_declaration_is_on_the_record(auditor, organization, audit):
    entry = Entry.objects.get(kind=EntryKind.AUDIT_DECLARED)
    assert entry.subject == f"audit:{audit.pk}"
    assert json.loads(entry.payload) == {
        "audit": audit.pk,
        "auditor": "Jo Roe, Open Audit Lab",
        "title": "Medical refusals at Acme",
        "organizations": ["acme"],
        "period_from": audit.period_from.isoformat(),
        "period_to": audit.period_to.isoformat(),
    }


def test_the_declaration_is_public(client, audit):
    page = client.get(audit.get_absolute_url()).text
    assert "Medical refusals at Acme" in page
    assert "Jo Roe, Open Audit Lab" in page
    assert "<strong>medical</strong>" in page  # the purpose, rendered as Markdown
    assert "Acme AI" in page
    assert ">Open</strong>" in page
    assert "Medical refusals at Acme" in client.get(reverse("audits")).text


def test_a_period_that_ends_before_it_starts_is_refused(client, auditor, organization):
    client.force_login(auditor)
    today = timezone.localdate()
    values = declaration(organization, period_from=today.isoformat(), period_to=(today - timedelta(days=1)).isoformat())
    response = client.post(reverse("declare-audit"), values | {"confirm": "1"})
    assert response.status_code == 400
    assert "The period must end on or after the day it starts." in response.text
    assert not Audit.objects.exists()
    assert not Entry.objects.exists()


def test_a_period_in_the_future_is_refused(auditor, organization):
    later = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError, match="start today or earlier"):
        services.declare_audit(
            by=auditor, title="t", purpose="p", organizations=[organization], period_from=later, period_to=later
        )
    assert not Entry.objects.exists()


def test_an_audit_needs_an_organization(client, auditor, organization):
    client.force_login(auditor)
    response = client.post(reverse("declare-audit"), declaration(organization, organizations=[]))
    assert "Choose at least one organization." in response.text
    assert not Audit.objects.exists()


def test_an_auditor_may_not_audit_an_organization_they_publish_for(auditor, organization):
    from accounts.models import Membership

    Membership.objects.create(user=auditor, organization=organization)
    with pytest.raises(PermissionDenied, match="You publish for Acme AI"):
        services.declare_audit(
            by=auditor,
            title="t",
            purpose="p",
            organizations=[organization],
            period_from=timezone.localdate(),
            period_to=timezone.localdate(),
        )
    assert not Audit.objects.exists()


@pytest.mark.parametrize("person", ["citizen", "publisher", "moderator", "reviewer"])
def test_only_auditors_declare_audits(client, request, person, organization):
    client.force_login(request.getfixturevalue(person))
    response = client.post(reverse("declare-audit"), declaration(organization) | {"confirm": "1"})
    assert response.status_code == 403
    assert "Only auditors declare audits." in response.text
    assert not Audit.objects.exists()
    assert not Entry.objects.exists()


def test_a_visitor_is_asked_to_sign_in_to_declare(client, organization):
    response = client.post(reverse("declare-audit"), declaration(organization) | {"confirm": "1"})
    assert response.url.startswith(reverse("account_login"))
    assert not Audit.objects.exists()


def test_the_auditor_closes_the_audit_on_the_record(client, auditor, audit):
    client.force_login(auditor)
    response = client.post(reverse("close-audit", args=[audit.pk]), {"note": "Fieldwork done.", "confirm": "1"})
    assert response.url == audit.get_absolute_url()
    assert AuditClosure.objects.get(audit=audit).note == "Fieldwork done."
    entry = Entry.objects.get(kind=EntryKind.AUDIT_CLOSED)
    assert json.loads(entry.payload) == {
        "audit": audit.pk,
        "auditor": "Jo Roe, Open Audit Lab",
        "note": "Fieldwork done.",
    }
    page = client.get(audit.get_absolute_url()).text
    assert ">Closed</strong>" in page and "Fieldwork done." in page


def test_closing_is_checked_first(client, auditor, audit):
    client.force_login(auditor)
    response = client.post(reverse("close-audit", args=[audit.pk]), {"note": ""})
    assert "Close audit" in response.text
    assert not AuditClosure.objects.exists()


def test_an_audit_is_closed_once(auditor, audit):
    services.close_audit(audit=audit, by=auditor)
    with pytest.raises(ValidationError, match="already closed"):
        services.close_audit(audit=audit, by=auditor)
    assert Entry.objects.filter(kind=EntryKind.AUDIT_CLOSED).count() == 1


@pytest.mark.parametrize("person", ["other_auditor", "citizen", "publisher", "moderator"])
def test_only_its_auditor_closes_an_audit(client, request, person, audit):
    client.force_login(request.getfixturevalue(person))
    response = client.post(reverse("close-audit", args=[audit.pk]), {"note": "", "confirm": "1"})
    assert response.status_code == 403
    assert "Only the auditor who declared this audit may do this." in response.text
    assert not AuditClosure.objects.exists()
    assert not Entry.objects.filter(kind=EntryKind.AUDIT_CLOSED).exists()


def test_the_declaration_is_never_edited(audit):
    audit.title = "Something else"
    with pytest.raises(AppendOnlyError):
        audit.save()
    with pytest.raises(AppendOnlyError):
        Audit.objects.filter(pk=audit.pk).update(title="x")


def test_the_auditors_label_cannot_be_renamed_in_the_admin(admin_client, auditor):
    url = reverse("admin:accounts_auditorprofile_change", args=[auditor.auditor_profile.pk])
    response = admin_client.post(url, {"label": "Someone else", "user": auditor.pk, "active": "on"})
    assert response.status_code == 302
    assert AuditorProfile.objects.get().label == "Jo Roe, Open Audit Lab"
