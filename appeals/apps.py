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

        # "I did not write this" lives in consultation, below this app: case comments join its kinds here.
        from appeals.models import CaseComment
        from appeals.services.case_comments import hide_disowned
        from consultation.models import Disputable
        from consultation.services.disputes import add_disputable

        add_disputable(
            kind="case_comment",
            label="Case comment",
            model=CaseComment,
            shape=Disputable("appeal__guideline__organization", lambda row: f"appeal {row.appeal.public_id}"),
            take_down=hide_disowned,
        )
