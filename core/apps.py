from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: ids, the API base, mail, rate limits, Markdown, the task queue."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
