"""A system's receipt keys: publishers of its organization add and retire them, each change on the record; anyone
reads them on the system's page and as a JWKS; bad keys are refused with a clear reason and change nothing."""

import base64
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse
from django.utils import timezone
from joserfc.jwk import OKPKey

from appeals.models import SystemKey
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.appeals.receipt_helpers import register
from tests.factories import MembershipFactory

WHEN = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def pem(private_key) -> str:
    public = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode()


def add_url(system) -> str:
    return reverse("add-system-key", args=[system.organization.slug, system.slug])


def retire_url(key) -> str:
    return reverse("retire-system-key", args=[key.system.organization.slug, key.system.slug, key.kid])


def test_a_publisher_adds_a_pem_key_and_it_goes_on_the_record(client, publisher, system):
    client.force_login(publisher)
    private_key = Ed25519PrivateKey.generate()
    response = client.post(add_url(system), {"kid": "2026-12", "public_key": pem(private_key), "valid_from": WHEN})
    assert response.status_code == 302
    key = SystemKey.objects.get()
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert base64.urlsafe_b64decode(key.public_key + "=") == raw
    entry = Entry.objects.get(kind=EntryKind.SYSTEM_KEY_ADDED)
    assert entry.subject == "system:acme/helper"
    assert entry.data["thumbprint"] == OKPKey.import_key(private_key).thumbprint() == key.thumbprint
    assert entry.data["public_key"] == key.public_key and entry.data["valid_until"] is None


def test_a_jwk_and_a_raw_base64url_key_are_accepted(client, publisher, system):
    client.force_login(publisher)
    jwk = OKPKey.import_key(Ed25519PrivateKey.generate()).as_dict(private=False)
    client.post(add_url(system), {"kid": "a", "public_key": str(jwk).replace("'", '"'), "valid_from": WHEN})
    client.post(add_url(system), {"kid": "b", "public_key": jwk["x"], "valid_from": WHEN})
    assert list(SystemKey.objects.values_list("kid", flat=True)) == ["a", "b"]


@pytest.mark.parametrize(
    ("public_key", "reason"),
    [
        ("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----", "This is a private key"),
        (pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)), "This is not an Ed25519 key"),
        ('{"kty": "EC", "crv": "P-256", "x": "abc"}', "This is not an Ed25519 JWK"),
        ("not-a-key", "This is not an Ed25519 public key"),
        ("bm90LWEta2V5", "one is 32 bytes"),
        ("{oops", "not valid JSON"),
    ],
)
def test_a_bad_key_is_refused_with_its_reason(client, publisher, system, public_key, reason):
    client.force_login(publisher)
    response = client.post(add_url(system), {"kid": "k1", "public_key": public_key, "valid_from": WHEN})
    assert response.status_code == 400 and reason in response.text
    assert not SystemKey.objects.exists() and not Entry.objects.filter(kind=EntryKind.SYSTEM_KEY_ADDED).exists()


def test_a_kid_is_used_once_per_system(client, publisher, system):
    register(system, publisher, kid="k1")
    client.force_login(publisher)
    key = OKPKey.import_key(Ed25519PrivateKey.generate()).as_dict(private=False)["x"]
    response = client.post(add_url(system), {"kid": "k1", "public_key": key, "valid_from": WHEN})
    assert response.status_code == 400 and "already has a key k1" in response.text
    assert SystemKey.objects.count() == 1


def test_retiring_a_key_ends_it_on_the_record_and_never_extends_it(client, publisher, system):
    _, key = register(system, publisher)
    client.force_login(publisher)
    end = timezone.now().strftime("%Y-%m-%dT%H:%M")
    assert client.post(retire_url(key), {"valid_until": end, "reason": "rotated"}).status_code == 302
    later = (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(retire_url(key), {"valid_until": later, "reason": "oops"})
    assert refused.status_code == 400 and "an end can only be brought forward" in refused.text
    key.refresh_from_db()
    assert key.retirement_reason == "rotated"
    entry = Entry.objects.get(kind=EntryKind.SYSTEM_KEY_RETIRED)
    assert entry.data["reason"] == "rotated" and entry.data["valid_until"] == key.valid_until.isoformat()


@pytest.fixture
def other_publisher(other_organization):
    return MembershipFactory(organization=other_organization).user


@pytest.mark.parametrize("who", ["other_publisher", "citizen"])
def test_only_the_organizations_publishers_change_its_keys(client, request, publisher, system, who):
    _, key = register(system, publisher)
    client.force_login(request.getfixturevalue(who))
    assert client.get(add_url(system)).status_code == 403
    assert (
        client.post(add_url(system), {"kid": "k2", "public_key": key.public_key, "valid_from": WHEN}).status_code == 403
    )
    assert client.post(retire_url(key), {"valid_until": WHEN, "reason": "x"}).status_code == 403
    assert SystemKey.objects.count() == 1 and SystemKey.objects.get().valid_until is None


def test_signed_out_people_are_asked_to_sign_in(client, publisher, system):
    _, key = register(system, publisher)
    assert client.get(add_url(system)).url.startswith(reverse("account_login"))
    assert client.post(retire_url(key), {"valid_until": WHEN, "reason": "x"}).url.startswith(reverse("account_login"))


def test_anyone_reads_the_keys_on_the_page_and_as_a_jwks(client, publisher, system, django_assert_max_num_queries):
    for kid in ("k1", "k2", "k3"):
        register(system, publisher, kid=kid)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("system-keys", args=["acme", "helper"]))
    assert page.status_code == 200 and page.text.count("<code>k") == 3 and "Add a key" not in page.text
    with django_assert_max_num_queries(3):
        jwks = client.get(reverse("api-system-keys", args=["acme", "helper"])).json()
    assert [key["kid"] for key in jwks["keys"]] == ["k1", "k2", "k3"]
    assert jwks["keys"][0] | {"x": "", "valid_from": ""} == {
        "kty": "OKP", "crv": "Ed25519", "x": "", "kid": "k1", "use": "sig", "alg": "EdDSA", "valid_from": "",
        "valid_until": None,
    }  # fmt: skip


def test_the_organization_page_links_each_systems_keys(client, system):
    page = client.get(reverse("organization", args=["acme"])).text
    assert reverse("system-keys", args=["acme", "helper"]) in page
