"""The one vocabulary of status tags: every page shows a row's status as its model's `status_tag()`, through
templates/includes/status_tag.html, so a status reads the same everywhere."""

from typing import NamedTuple


class StatusTag(NamedTuple):
    label: str
    # A colour of static/css/site.css: grey, blue, green, red, yellow, purple.
    colour: str
