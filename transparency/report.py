"""The quarterly transparency report of an organization as CSV: one line per figure, so it cites cleanly."""

from collections.abc import Iterator

from transparency.selectors import Statistics

HEADER = ["section", "subject", "figure", "value"]


def _flatten(prefix: str, value) -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _flatten(f"{prefix}.{name}" if prefix else name, inner)
    else:
        yield prefix, "" if value is None else value


def rows(stats: Statistics) -> Iterator[list]:
    for figure, value in _flatten("", stats.figures.as_dict()):
        section, _, name = figure.partition(".")
        yield [section, stats.subject.key, name, value]
    for breakdown, breakdown_rows in stats.breakdowns:
        for row in breakdown_rows:
            for figure, value in _flatten("", row.figures.as_dict()):
                section, _, name = figure.partition(".")
                yield [f"{breakdown.dimension}:{section}", row.key, name, value]
