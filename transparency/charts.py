"""The month-by-month figures as a picture: appeals filed and decided as pairs of bars, the share overturned as a line
on its own 0–100% scale, all placed here and drawn by the server as SVG (no JavaScript, no inline styles). The month
table stays beside it as the accessible alternative; the chart's summary sentence says so."""

from dataclasses import dataclass
from math import ceil

from transparency.figures import Figures

WIDTH = 600
COUNT_HEIGHT, SHARE_HEIGHT = 200, 140
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
# At most this many month names under the axis: more would overlap on a 600-wide drawing, and the table names all.
MOST_LABELS = 8
BAR_GAP = 0.2  # the share of a month's slot left empty between one month's pair of bars and the next


@dataclass(frozen=True)
class Bar:
    series: str  # "filed" or "decided": the class that colours it
    x: float
    y: float
    width: float
    height: float
    month: str
    value: int


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    month: str
    share: float


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class MonthChart:
    bars: list[Bar]
    points: list[Point]
    ticks: list[Tick]
    most: int  # the count the top of the bar chart stands for
    counts_summary: str
    share_summary: str
    width: int = WIDTH
    count_height: int = COUNT_HEIGHT
    share_height: int = SHARE_HEIGHT
    left: int = LEFT
    top: int = TOP

    @property
    def count_base(self) -> int:
        return COUNT_HEIGHT - BOTTOM

    @property
    def share_base(self) -> int:
        return SHARE_HEIGHT - BOTTOM

    @property
    def line(self) -> str:
        """The polyline's points attribute joining the months that had decisions."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _summaries(months: list[tuple[str, Figures]]) -> tuple[str, str]:
    first, last = months[0][0], months[-1][0]
    busiest = max(months, key=lambda m: m[1].filed)
    counts = (
        f"Appeals filed and decided each month from {first} to {last}: "
        f"{sum(f.filed for _, f in months)} filed and {sum(f.decided for _, f in months)} decided in all, "
        f"the most filed in {busiest[0]} ({busiest[1].filed}). The table below gives the figures."
    )
    shares = [(label, f.overturn_share) for label, f in months if f.overturn_share is not None]
    if shares:
        low, high = min(s for _, s in shares), max(s for _, s in shares)
        share = (
            f"Share of decisions overturning the refusal fully or partly, each month with decisions from {first} "
            f"to {last}: between {_percent(low)} and {_percent(high)}. The table below gives the figures."
        )
    else:
        share = "No decisions in these months, so no share overturned. The table below gives the figures."
    return counts, share


def month_chart(months: list[tuple[str, Figures]]) -> MonthChart | None:
    """(month label, figures) oldest first → the chart's bars, points and month names; None when nothing to draw."""
    if not months or not any(f.filed or f.decided for _, f in months):
        return None
    most = max(max(f.filed, f.decided) for _, f in months)
    slot = (WIDTH - LEFT - RIGHT) / len(months)
    bar_width = round(slot * (1 - BAR_GAP) / 2, 1)
    count_span, share_span = COUNT_HEIGHT - BOTTOM - TOP, SHARE_HEIGHT - BOTTOM - TOP
    bars, points, ticks = [], [], []
    label_every = ceil(len(months) / MOST_LABELS)
    for i, (label, figures) in enumerate(months):
        start = LEFT + i * slot + slot * BAR_GAP / 2
        for j, (series, value) in enumerate((("filed", figures.filed), ("decided", figures.decided))):
            height = round(value / most * count_span, 1)
            x = round(start + j * bar_width, 1)
            bars.append(Bar(series, x, round(COUNT_HEIGHT - BOTTOM - height, 1), bar_width, height, label, value))
        centre = round(LEFT + (i + 0.5) * slot, 1)
        if figures.overturn_share is not None:
            y = round(SHARE_HEIGHT - BOTTOM - figures.overturn_share * share_span, 1)
            points.append(Point(centre, y, label, figures.overturn_share))
        if i % label_every == 0:
            ticks.append(Tick(centre, label))
    counts_summary, share_summary = _summaries(months)
    return MonthChart(bars, points, ticks, most, counts_summary, share_summary)
