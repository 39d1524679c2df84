"""runserver, which also runs the periodic jobs in the serving process when no broker is set (core/scheduler.py)."""

from typing import Any

from django.contrib.staticfiles.management.commands.runserver import Command as StaticFilesRunserver
from django.core.handlers.wsgi import WSGIHandler

from core import scheduler


class Command(StaticFilesRunserver):
    help = (
        "Starts the development server, serving static files; without CELERY_BROKER_URL it also runs the periodic "
        "jobs of CELERY_BEAT_SCHEDULE on a timer in the same process."
    )

    def get_handler(self, *args: Any, **options: Any) -> WSGIHandler:
        # Called once per serving process, after the checks: under the autoreloader, only in the child that serves
        # (its watching parent never gets here), and again in each new child after a reload, never twice in one.
        scheduler.start_in_process_beat()
        return super().get_handler(*args, **options)
