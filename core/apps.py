from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """What every app shares: ids, the API base, mail, rate limits, Markdown, the task queue."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.sites import site_matches_site_url, sync_site

        post_migrate.connect(sync_site, sender=self, dispatch_uid="core.sync_site")
        checks.register(site_matches_site_url, checks.Tags.sites, checks.Tags.database)
