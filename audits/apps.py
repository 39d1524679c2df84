from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"

    def ready(self) -> None:
        from audits import (
            bound_texts,
            caching,  # noqa: F401  (registers the cached pages a ledger subject touches)
        )

        # The ledger checks served texts against their entries but sits below this app: it reads them here.
        bound_texts.provide()
