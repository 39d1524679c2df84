import logging
from contextlib import ExitStack, contextmanager
from typing import NotRequired, TypedDict

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Organization, User
from accounts.services import create_account, create_organization
from demo.appeals import APPELLANTS, REVIEWERS, create_demo_appeals
from demo.audits import create_demo_audit
from demo.consultation import create_demo_campaign, create_demo_consultations
from demo.digests import create_demo_follows
from demo.opinions import create_demo_opinions
from demo.recommendations import create_demo_recommendations
from demo.refusals import create_demo_refusals
from demo.suggestions import create_demo_suggestions
from demo.transparency import create_demo_statistics
from ledger.checkpoints import publish_checkpoint

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  published on the home page for the demo roles
DEMO_ORGANIZATION = {"slug": "acme-ai", "name": "Acme AI", "website": "https://acme-ai.example"}


class DemoAccount(TypedDict):
    """The arguments of create_account that differ from one demo account to the next."""

    email: str
    role: str
    display_name: str
    expertise: NotRequired[list[str]]


DEMO_ACCOUNTS: list[DemoAccount] = [
    {"email": "citizen@demo.whodecides.test", "role": "citizen", "display_name": "Ada Citizen"},
    {"email": "publisher@demo.whodecides.test", "role": "publisher", "display_name": "Pat Publisher"},
    {"email": "moderator@demo.whodecides.test", "role": "moderator", "display_name": "Mo Moderator"},
    {
        "email": "reviewer@demo.whodecides.test",
        "role": "reviewer",
        "display_name": "Rae Reviewer",
        "expertise": ["medical", "security"],
    },
    {"email": "auditor@demo.whodecides.test", "role": "auditor", "display_name": "Ines Auditor, Open Audit Lab"},
]


DEMO_DOMAIN = "demo.whodecides.test"


@contextmanager
def quiet_logs(*names: str):
    """Celery logs every task it runs in-process; seeding runs dozens."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Fill an empty development site with demo data (safe to run again; refuses when DEBUG is off). "
        "The emails it sends are shown only with -v 2."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates accounts with a published password.")
        with ExitStack() as quiet:
            if options["verbosity"] < 2:
                quiet.enter_context(override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"))
                quiet.enter_context(quiet_logs("celery", "kombu"))
            self._seed()
        self._summary(show_mail_hint=options["verbosity"] < 2)

    def _seed(self) -> None:
        with transaction.atomic():
            organization = Organization.objects.filter(slug=DEMO_ORGANIZATION["slug"]).first()
            if organization is None:
                organization = create_organization(**DEMO_ORGANIZATION)
            for account in DEMO_ACCOUNTS:
                if not User.objects.filter(email=account["email"]).exists():
                    create_account(password=DEMO_PASSWORD, organization=organization, **account)
            create_demo_consultations(organization=organization)
            create_demo_campaign(organization=organization)
            create_demo_suggestions(organization=organization)
            create_demo_opinions(organization=organization)
            create_demo_appeals(organization=organization, password=DEMO_PASSWORD)
            create_demo_audit(organization=organization)
            create_demo_recommendations(organization=organization)
            create_demo_statistics(password=DEMO_PASSWORD)
            create_demo_refusals(organization=organization)
            create_demo_follows(organization=organization)
        # No beat process runs on the embedded default, so the demo record is signed here.
        publish_checkpoint()

    def _summary(self, *, show_mail_hint: bool) -> None:
        logins = {account["role"]: [account["email"]] for account in DEMO_ACCOUNTS}
        logins["reviewer"] += [f"{handle}@{DEMO_DOMAIN}" for handle, *_ in REVIEWERS]
        logins["citizen"] += [f"{handle}@{DEMO_DOMAIN}" for handle, _ in APPELLANTS]
        self.stdout.write(f"Demo data is ready: {settings.SITE_URL}/")
        self.stdout.write(f"Sign in at {settings.SITE_URL}/accounts/login/ with password {DEMO_PASSWORD} as:")
        for role, emails in logins.items():
            self.stdout.write(f"  {role:<10} {', '.join(emails)}")
        if show_mail_hint:
            self.stdout.write("The emails the demo sent are not shown; run `manage.py seed_demo -v 2` to see them.")
