import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def sign_up(client, email: str, ip: str = "203.0.113.5"):
    data = {"email": email, "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1", "display_name": "N"}
    return client.post("/accounts/signup/", data, REMOTE_ADDR=ip)


def test_sign_ups_per_address_are_limited_with_a_clear_message(client, settings):
    settings.SIGNUP_IP_LIMIT = 2
    assert sign_up(client, "one@a.example").status_code == 302
    client.logout()
    assert sign_up(client, "two@b.example").status_code == 302
    client.logout()
    refused = sign_up(client, "three@c.example")
    assert refused.status_code == 200
    assert "Many accounts have been created from your network address" in refused.content.decode()
    assert not User.objects.filter(email="three@c.example").exists()
    assert sign_up(client, "four@d.example", ip="198.51.100.9").status_code == 302


def test_sign_ups_per_email_domain_are_limited(client, settings):
    settings.SIGNUP_DOMAIN_LIMIT = 1
    assert sign_up(client, "one@campaign.example", ip="203.0.113.1").status_code == 302
    client.logout()
    refused = sign_up(client, "two@Campaign.example", ip="203.0.113.2")
    assert "from your email domain" in refused.content.decode()
    assert User.objects.filter(email__iendswith="@campaign.example").count() == 1


def test_a_shared_webmail_domain_is_not_counted_as_one(client, settings):
    settings.SIGNUP_DOMAIN_LIMIT = 1
    for number in range(3):
        assert sign_up(client, f"person{number}@gmail.com", ip=f"203.0.113.{number}").status_code == 302
        client.logout()
