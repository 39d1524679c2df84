"""The opinion groups as a picture: each clustered participant's projected point, scaled into the SVG's box and
coloured by group, drawn by the server (no JavaScript). A table beside it says the same for screen readers."""

from dataclasses import dataclass

WIDTH, HEIGHT, MARGIN = 600, 360, 24
# Drawing more points than this adds nothing one can see; every n-th participant keeps each group's shape.
MOST_POINTS = 1500
LETTERS = "ABCDEFGHIJ"
LABEL_OFFSET = 16


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    group: int


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    group: int
    letter: str


def group_letter(group: int) -> str:
    return LETTERS[group] if 0 <= group < len(LETTERS) else str(group)


def chart(points: list[tuple[int, float, float]]) -> tuple[list[Point], list[Label]]:
    """(group, x, y) of every clustered participant → the points drawn and a letter at each group's centre."""
    if not points:
        return [], []
    xs, ys = [x for _, x, _ in points], [y for _, _, y in points]
    left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = (right - left) or 1.0, (top - bottom) or 1.0

    def place(x: float, y: float) -> tuple[float, float]:
        # y grows downwards in SVG; the projection's y upwards.
        return (
            round(MARGIN + (x - left) / span_x * (WIDTH - 2 * MARGIN), 1),
            round(HEIGHT - MARGIN - (y - bottom) / span_y * (HEIGHT - 2 * MARGIN), 1),
        )

    step = max(1, len(points) // MOST_POINTS)
    drawn = [Point(*place(x, y), group) for group, x, y in points[::step]]
    labels = []
    for group in sorted({group for group, _, _ in points}):
        mine = [(x, y) for g, x, y in points if g == group]
        centre = place(sum(x for x, _ in mine) / len(mine), sum(y for _, y in mine) / len(mine))
        # Above the group's middle, so that the letter never hides the dots it names.
        x, y = centre
        labels.append(Label(x, max(LABEL_OFFSET, y - LABEL_OFFSET), group=group, letter=group_letter(group)))
    return drawn, labels
