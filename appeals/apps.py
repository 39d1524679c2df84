from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"

    def ready(self) -> None:
        from appeals import caching  # noqa: F401  (registers the cached pages a ledger subject touches)
