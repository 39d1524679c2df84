from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"

    def ready(self) -> None:
        from appeals import (
            bound_texts,
            caching,  # noqa: F401  (registers the cached pages a ledger subject touches)
        )
        from appeals.selectors import clause_pressure
        from consultation.pressure import provide_clause_pressure

        # Consultation shows clause pressure but sits below appeals: it reads it through this provider.
        provide_clause_pressure(clause_pressure)

        # The ledger checks served texts against their entries but sits below this app: it reads them here.
        bound_texts.provide()
