from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Organizations' webhook endpoints, the events about them from the record, signed deliveries and their attempts."""

    name = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from webhooks import signals  # noqa: F401  (record entries become events)
