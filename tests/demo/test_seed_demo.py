from io import StringIO

import pytest
from django.core.management import call_command

# Real commits, as in `make run`: the emails are sent when seeding commits, not when a test transaction ends.
pytestmark = pytest.mark.django_db(transaction=True)

CONSOLE = "django.core.mail.backends.console.EmailBackend"


def test_seed_demo_prints_a_short_summary_and_no_email(settings, capsys):
    settings.DEBUG, settings.EMAIL_BACKEND, settings.SITE_URL = True, CONSOLE, "http://127.0.0.1:8100"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Demo data is ready: http://127.0.0.1:8100/" and len(lines) <= 8
    assert any(line.split()[0] == "reviewer" and "dr-lee@demo.whodecides.test" in line for line in lines)
    assert "Subject:" not in capsys.readouterr().out


def test_seed_demo_shows_the_emails_at_verbosity_2(settings, capsys):
    settings.DEBUG, settings.EMAIL_BACKEND = True, CONSOLE
    call_command("seed_demo", verbosity=2, stdout=StringIO())
    assert capsys.readouterr().out.count("Subject:") > 10
