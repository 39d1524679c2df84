from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "consultation"

    def ready(self) -> None:
        from consultation import (
            bound_texts,
            caching,  # noqa: F401  (registers the cached pages a ledger subject touches)
        )

        # The ledger checks served texts against their entries but sits below this app: it reads them here.
        bound_texts.provide()
