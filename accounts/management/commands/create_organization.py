from django.core.management.base import BaseCommand, CommandError

from accounts.services import AccountError, create_organization


class Command(BaseCommand):
    help = "Create an organization that can publish guidelines."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--website", default="")

    def handle(self, *args, slug, name, website, **options):
        try:
            organization = create_organization(slug=slug, name=name, website=website)
        except AccountError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created organization {organization.slug} ({organization.name}).")
