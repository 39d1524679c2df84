import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organization, User
from accounts.permissions import can_publish_for, has_verified_email, is_moderator, is_reviewer
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_create_organization():
    call_command("create_organization", "acme", "--name", "Acme AI")
    assert Organization.objects.get(slug="acme").name == "Acme AI"


def test_create_organization_refuses_duplicate_slug():
    OrganizationFactory(slug="acme")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_organization", "acme", "--name", "Another")
    assert Organization.objects.count() == 1


def test_create_organization_refuses_bad_slug():
    with pytest.raises(CommandError, match="slug"):
        call_command("create_organization", "not a slug!", "--name", "Bad")
    assert not Organization.objects.exists()


def test_create_publisher_account():
    OrganizationFactory(slug="acme")
    call_command(
        "create_account",
        "pat@example.org",
        "--password",
        "pw-123456789",
        "--role",
        "publisher",
        "--organization",
        "acme",
        "--name",
        "Pat",
    )
    user = User.objects.get(email="pat@example.org")
    assert user.display_name == "Pat"
    assert has_verified_email(user)
    assert user.check_password("pw-123456789")
    assert can_publish_for(user, Organization.objects.get(slug="acme"))


def test_create_reviewer_account_with_expertise():
    call_command("create_account", "rae@example.org", "--password", "pw", "--role", "reviewer", "--expertise", "a, b")
    user = User.objects.get(email="rae@example.org")
    assert is_reviewer(user)
    assert user.reviewer_profile.expertise == ["a", "b"]


def test_create_moderator_account():
    call_command("create_account", "mo@example.org", "--password", "pw", "--role", "moderator")
    assert is_moderator(User.objects.get(email="mo@example.org"))


def test_create_account_refuses_unknown_role():
    with pytest.raises(CommandError, match="Unknown role 'king'"):
        call_command("create_account", "x@example.org", "--password", "pw", "--role", "king")
    assert not User.objects.exists()


def test_create_account_refuses_publisher_without_organization():
    with pytest.raises(CommandError, match="needs an organization"):
        call_command("create_account", "x@example.org", "--password", "pw", "--role", "publisher")
    assert not User.objects.exists()


def test_create_account_refuses_unknown_organization():
    with pytest.raises(CommandError, match="No organization"):
        call_command(
            "create_account", "x@example.org", "--password", "pw", "--role", "publisher", "--organization", "no"
        )
    assert not Membership.objects.exists()


def test_create_account_refuses_duplicate_email():
    call_command("create_account", "x@example.org", "--password", "pw", "--role", "citizen")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_account", "X@example.org", "--password", "pw", "--role", "citizen")
    assert User.objects.count() == 1


def test_seed_demo_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    count = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == count >= 4  # the apps' demo data adds people of their own
    assert "citizen@demo.whodecides.test" in capsys.readouterr().out


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()
