from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Organization, User
from accounts.services import create_account, create_organization
from appeals.demo import create_demo_appeals
from consultation.demo import create_demo_consultations
from ledger.checkpoints import publish_checkpoint

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ORGANIZATION = {"slug": "acme-ai", "name": "Acme AI", "website": "https://acme-ai.example"}
DEMO_ACCOUNTS = [
    {"email": "citizen@demo.whodecides.test", "role": "citizen", "display_name": "Ada Citizen"},
    {"email": "publisher@demo.whodecides.test", "role": "publisher", "display_name": "Pat Publisher"},
    {"email": "moderator@demo.whodecides.test", "role": "moderator", "display_name": "Mo Moderator"},
    {
        "email": "reviewer@demo.whodecides.test",
        "role": "reviewer",
        "display_name": "Rae Reviewer",
        "expertise": ["medical", "security"],
    },
]


class Command(BaseCommand):
    help = "Fill an empty development site with demo data (safe to run again; refuses when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates accounts with a published password.")
        with transaction.atomic():
            organization = Organization.objects.filter(slug=DEMO_ORGANIZATION["slug"]).first()
            if organization is None:
                organization = create_organization(**DEMO_ORGANIZATION)
            for account in DEMO_ACCOUNTS:
                if not User.objects.filter(email=account["email"]).exists():
                    create_account(password=DEMO_PASSWORD, organization=organization, **account)
            create_demo_consultations(organization=organization)
            create_demo_appeals(organization=organization, password=DEMO_PASSWORD)
        # No beat process runs on the embedded default, so the demo record is signed here.
        publish_checkpoint()
        self.stdout.write("Demo data is ready. Sign in at http://127.0.0.1:8000/accounts/login/ with:")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account['role']:<10} {account['email']:<34} password: {DEMO_PASSWORD}")
        self.stdout.write("The other demo reviewers and appellants (…@demo.whodecides.test) use the same password.")
