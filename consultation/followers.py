"""Telling the followers of a guideline or of one of its consultations what happened to it.

Who follows what, how often they want to hear, and the digests that group the news belong to the digests app,
which sits above consultation (the layers contract in pyproject.toml). So consultation describes the news here and
calls `tell_followers`; the digests app hands its teller to `provide_teller` in its AppConfig.ready(). Without a
teller (a site without digests) nobody follows anything and nothing is sent.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from consultation.models import GuidelineVersion


@dataclass(frozen=True)
class News:
    """One thing that happened to a version, told once to each follower of the version or its guideline."""

    event: str  # unique for what happened, e.g. "period-opened:12"; with the person, the key of their email
    title: str  # one line: the subject of its own email, and its line in a digest
    path: str  # the page to read about it
    template: str  # the email sent to followers who want each piece of news at once
    context: dict[str, Any] = field(default_factory=dict)


Teller = Callable[[News, Sequence[GuidelineVersion]], int]
_teller: Teller | None = None


def provide_teller(teller: Teller) -> None:
    """Called once, by the digests app's AppConfig.ready()."""
    global _teller
    _teller = teller


def tell_followers(news: News, *versions: GuidelineVersion) -> int:
    """Store the news once for every follower of the versions or their guideline; returns the emails sent at once."""
    return _teller(news, versions) if _teller else 0
