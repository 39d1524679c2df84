from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"

    def ready(self) -> None:
        from audits import caching  # noqa: F401  (registers the cached pages a ledger subject touches)
