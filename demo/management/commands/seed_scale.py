import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import Organization, User
from appeals.models import AISystem
from consultation.models import Guideline, GuidelineVersion
from demo import backlog
from demo.management.commands.seed_demo import DEMO_ORGANIZATION, quiet_logs
from demo.scale_appeals import create_decided_appeals
from demo.scale_consultation import create_large_consultation, scale_users
from ledger.bulk import append_many
from ledger.checkpoints import publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Entry


class Command(BaseCommand):
    help = (
        "Add large data to a development site for load tests (refuses when DEBUG is off): a version with many "
        "clauses and comments, many decided appeals with their reviewers' history, and a long public record. "
        "Seeds the demo first if needed. Prints the path of the large version's page on its last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clauses", type=int, default=200, help="Clauses of the large version (200).")
        parser.add_argument("--comments", type=int, default=10_000, help="Comments on it (10,000).")
        parser.add_argument("--appeals", type=int, default=1_000, help="Decided appeals, each with a decision.")
        parser.add_argument(
            "--assignments", type=int, default=0, help="Past assignments in all (default: one per appeal)."
        )
        parser.add_argument(
            "--entries", type=int, default=0, help="Top the public record up to this many entries, if short of it."
        )
        parser.add_argument("--people", type=int, default=1_000, help="Commenters and appellants to spread over.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_scale only runs with DEBUG on: it fills the site with generated data.")
        if min(options["clauses"], options["people"]) < 1 or min(options["comments"], options["appeals"]) < 0:
            raise CommandError("--clauses and --people must be at least 1; --comments and --appeals at least 0.")
        organization = Organization.objects.filter(slug=DEMO_ORGANIZATION["slug"]).first()
        if organization is None:
            call_command("seed_demo", stdout=io.StringIO())
            organization = Organization.objects.get(slug=DEMO_ORGANIZATION["slug"])
        with quiet_logs("celery", "kombu"):
            version = self._seed(organization, options)
        publish_checkpoint()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # bulk loads leave the planner's statistics behind
        # Bulk writes cluster and fold nothing; the live paths would have, so the data is left as they would leave it.
        with quiet_logs("celery", "kombu"):
            backlog.work_off(say=self.stdout.write, here=True)
        self.stdout.write(f"The record has {Entry.objects.count():,} entries.")
        self.stdout.write(version.get_absolute_url())

    def _seed(self, organization: Organization, options) -> GuidelineVersion:
        # seed_demo made them, as it made the guideline below.
        publisher = User.objects.filter(memberships__organization=organization).earliest("pk")
        moderator = User.objects.filter(is_moderator=True).earliest("pk")
        people = scale_users(count=options["people"])
        version = self._large_version(organization, publisher, people, options)
        if options["appeals"]:
            written = create_decided_appeals(
                count=options["appeals"],
                guideline=Guideline.objects.get(organization=organization, slug="assistant-refusals"),
                system=AISystem.objects.filter(organization=organization).earliest("pk"),
                moderator=moderator,
                appellants=people,
                assignments=options["assignments"],
            )
            self.stdout.write(f"Wrote {written:,} decided appeals.")
        missing = options["entries"] - Entry.objects.count()
        if missing > 0:
            filler = ((EntryKind.SCALE_FILLER, "seed_scale", {"n": n}) for n in range(missing))
            self.stdout.write(f"Topped the record up with {append_many(filler):,} entries.")
        return version

    def _large_version(self, organization, publisher, people, options) -> GuidelineVersion:
        clauses, comments = options["clauses"], options["comments"]
        slug = f"scale-{clauses}-clauses-{comments}-comments"
        existing = GuidelineVersion.objects.filter(guideline__organization=organization, guideline__slug=slug).first()
        if existing:
            self.stdout.write(f"The large version {slug} was already there.")
            return existing
        version = create_large_consultation(
            organization=organization, publisher=publisher, clauses=clauses, comments=comments, authors=people
        )
        self.stdout.write(f"Wrote a version of {clauses:,} clauses and {comments:,} comments.")
        return version
