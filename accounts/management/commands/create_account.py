from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from accounts.services import ROLES, AccountError, create_account


class Command(BaseCommand):
    help = "Create an account with a verified email and a role."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(ROLES)}")
        parser.add_argument("--organization", help="Slug of the organization (publishers)")
        parser.add_argument("--name", default="", help="Public display name (for auditors, the name on the record)")
        parser.add_argument("--expertise", default="", help="Comma-separated tags (reviewers)")

    def handle(self, *args, **options):
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization with the slug '{options['organization']}'.")
        try:
            user = create_account(
                email=options["email"],
                password=options["password"],
                role=options["role"],
                display_name=options["name"],
                organization=organization,
                expertise=[tag.strip() for tag in options["expertise"].split(",") if tag.strip()],
            )
        except AccountError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created {options['role']} {user.email} ({user.display_name}).")
