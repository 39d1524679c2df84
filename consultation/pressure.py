"""Clause pressure as consultation sees it: what its pages and `publish_final_version` read, not how it is counted.

The figures come from appeals, which sits above consultation and may import it, never the reverse (the layers
contract in pyproject.toml). So appeals hands its selector to `provide_clause_pressure` in its AppConfig.ready(),
and consultation calls `clause_pressure` here: the same two queries, no import upwards. Without a provider (a site
without appeals) no clause has any pressure, and nothing is flagged.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from consultation.models import Guideline, GuidelineVersion


@dataclass(frozen=True)
class ClausePressure:
    """How refusals under one clause fared on appeal since its wording came into force."""

    appealed: int
    decided: int
    overturned: int
    since: GuidelineVersion
    text: str

    @property
    def flagged(self) -> bool:
        """Overturned (fully or partly) in at least CLAUSE_PRESSURE_FLAG_SHARE of enough decided appeals that the
        publisher drafting the next version must answer it."""
        return (
            self.decided >= settings.CLAUSE_PRESSURE_MIN_DECISIONS
            and self.overturned >= settings.CLAUSE_PRESSURE_FLAG_SHARE * self.decided
        )


Provider = Callable[..., dict[str, ClausePressure]]
_provider: Provider | None = None


def provide_clause_pressure(provider: Provider) -> None:
    """Called once, by appeals' AppConfig.ready(), with `appeals.selectors.clause_pressure`."""
    global _provider
    _provider = provider


def clause_pressure(guideline: Guideline, *, version: GuidelineVersion | None = None) -> dict[str, ClausePressure]:
    """For each clause key in force at `version`: its appeals, decided and overturned since its wording came into
    force (see appeals.selectors.clause_pressure, the provider)."""
    return _provider(guideline, version=version) if _provider else {}
