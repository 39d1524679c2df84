"""The Sites framework's one Site follows SITE_URL: feeds and allauth's emails build their links and names from it."""

from typing import Any
from urllib.parse import urlsplit

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).netloc


def sync_site(*, apps: Apps = global_apps, **kwargs: Any) -> None:
    """Make the current Site say SITE_URL's host and the site's name: a post_migrate handler and a data migration.
    A flush sends post_migrate without `apps`, hence the installed apps by default."""
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": site_domain(), "name": settings.SITE_NAME})


def site_matches_site_url(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A warning when the stored Site and SITE_URL disagree (only when the check may use the database)."""
    if not databases or "default" not in databases:
        return []
    from django.contrib.sites.models import Site

    try:
        site = Site.objects.filter(pk=settings.SITE_ID).first()
    except DatabaseError:
        return []
    if site is None or site.domain != site_domain():
        stored = site.domain if site else "no site"
        return [
            checks.Warning(
                f"The Sites framework says {stored!r} but SITE_URL is {settings.SITE_URL!r}.",
                hint="Run `manage.py migrate`, which sets the site from SITE_URL.",
                id="core.W001",
            )
        ]
    return []
