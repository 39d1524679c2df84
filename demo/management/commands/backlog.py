from django.core.management.base import BaseCommand

from demo import backlog


class Command(BaseCommand):
    help = (
        "Say what background work is waiting (comments to cluster, entries to fold, receipts to mail); with --wait, "
        "queue it and wait until the workers (or, without a broker, this process) have worked it off in batches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="Work it off before returning.")

    def handle(self, *args, **options):
        if options["wait"]:
            backlog.work_off(say=self.stdout.write)
        else:
            self.stdout.write(f"Background work waiting: {backlog.describe(backlog.waiting())}.")
