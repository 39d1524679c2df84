import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from ledger.notes import parse_signer, parse_verifier, sign_note, site_signer, verify_note


def test_record_key_prints_a_signing_key_and_its_verifier_key(capsys):
    call_command("record_key", "--name", "whodecides.example.org/record")
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    signer = parse_signer(lines[1])
    assert signer.name == "whodecides.example.org/record"
    assert parse_verifier(lines[3]) == signer.verifier


def test_the_embedded_default_generates_a_key_once_and_keeps_it(settings, tmp_path):
    settings.RECORD_SIGNING_KEY = ""
    settings.RECORD_GENERATED_KEY_PATH = tmp_path / "record-signing.key"
    site_signer.cache_clear()
    signed = sign_note("testserver/record\n1\nAAAA\n")
    site_signer.cache_clear()
    assert verify_note(signed, site_signer().verifier)
    assert oct(settings.RECORD_GENERATED_KEY_PATH.stat().st_mode)[-3:] == "600"


def test_production_without_a_key_refuses_to_sign_and_fails_the_checks(settings):
    settings.RECORD_SIGNING_KEY = ""
    settings.RECORD_GENERATED_KEY_PATH = None
    site_signer.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="Set RECORD_SIGNING_KEY"):
        sign_note("text\n")
    with pytest.raises(SystemCheckError, match="RECORD_SIGNING_KEY must be set when DEBUG is off"):
        call_command("check")


def test_a_mangled_key_fails_the_checks(settings, record_key):
    settings.RECORD_SIGNING_KEY = str(record_key)[:-2]
    with pytest.raises(SystemCheckError, match="RECORD_SIGNING_KEY cannot be used"):
        call_command("check")
