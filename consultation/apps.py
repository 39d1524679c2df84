from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "consultation"

    def ready(self) -> None:
        from consultation import caching  # noqa: F401  (registers the cached pages a ledger subject touches)
