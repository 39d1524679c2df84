from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    """What every app shares: ids, the API base, mail, rate limits, Markdown, the task queue."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.sites import site_matches_site_url, sync_site

        # Every app's tasks module, imported now, before any request: core.queue looks tasks up by name, and Celery's
        # own discovery is lazy, so under runserver's threads one request found the registry half filled while another
        # was filling it (celery.exceptions.NotRegistered, after the commit). All models are loaded by ready().
        autodiscover_modules("tasks")

        post_migrate.connect(sync_site, sender=self, dispatch_uid="core.sync_site")
        checks.register(site_matches_site_url, checks.Tags.sites, checks.Tags.database)
