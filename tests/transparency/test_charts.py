import re

from django.template.loader import render_to_string
from django.urls import reverse

from transparency.charts import COUNT_HEIGHT, TOP, month_chart
from transparency.figures import Figures, Links


def month(label: str, filed: int, decided: int = 0, overturned: int = 0) -> tuple[str, Figures]:
    counts = {"filed": filed, "decided": decided, "outcome:overturned": overturned}
    return label, Figures(counts, Links({}, None, None))


def drawn(months) -> str:
    return render_to_string("transparency/includes/month_chart.html", {"chart": month_chart(months)})


def test_two_bars_and_one_point_per_month_and_the_busiest_month_reaches_the_top():
    chart = month_chart([month("2026-01", 2, 1, 1), month("2026-02", 8, 4, 1), month("2026-03", 4, 0)])
    assert [(b.month, b.series, b.value) for b in chart.bars][:4] == [
        ("2026-01", "filed", 2),
        ("2026-01", "decided", 1),
        ("2026-02", "filed", 8),
        ("2026-02", "decided", 4),
    ]
    tallest = chart.bars[2]
    assert tallest.y == TOP and tallest.y + tallest.height == COUNT_HEIGHT - 28
    assert chart.bars[0].height == tallest.height / 4  # 2 of 8
    assert chart.bars[5].height == 0  # nothing decided in March
    # A point for each month with decisions; 100% at the top, 25% three quarters down.
    assert [(p.month, p.share) for p in chart.points] == [("2026-01", 1.0), ("2026-02", 0.25)]
    assert chart.points[0].y == TOP and chart.points[1].y > chart.points[0].y


def test_the_chart_is_an_image_with_a_summary_pointing_to_the_table():
    text = drawn([month("2026-01", 3, 2, 1), month("2026-02", 5, 1, 0)])
    assert text.count('role="img"') == 2
    assert text.count('<rect class="month-bar') == 4 and text.count('<circle class="share-point"') == 2
    assert 'aria-labelledby="months-counts-title months-counts-desc"' in text
    assert "8 filed and 3 decided in all, the most filed in 2026-02 (5)" in text
    assert "between 0% and 50%" in text
    assert text.count("The table below gives the figures.") >= 2
    assert "style=" not in text and "<script" not in text


def test_nothing_to_draw_says_so_in_a_sentence():
    assert month_chart([]) is None
    assert month_chart([month("2026-01", 0)]) is None
    text = drawn([month("2026-01", 0)])
    assert "<svg" not in text and "Too little to draw a chart" in text


def test_labels_are_escaped():
    text = drawn([month("<b>May</b>", 1)])
    assert "<b>May</b>" not in text and "&lt;b&gt;May&lt;/b&gt;" in text


def test_many_months_label_only_some_so_the_names_do_not_overlap():
    chart = month_chart([month(f"2025-{m:02}", m) for m in range(1, 13)] + [month("2026-01", 1)])
    assert len(chart.bars) == 26 and len(chart.ticks) <= 8
    assert all(b.x + b.width <= 600 for b in chart.bars)


def test_the_statistics_pages_draw_the_months_in_constant_queries(client, record, django_assert_max_num_queries):
    for name, args in [("statistics", []), ("statistics-organization", ["acme"])]:
        with django_assert_max_num_queries(8):
            text = client.get(reverse(name, args=args)).content.decode()
        months = len(re.findall(r'<tr><th scope="row">\d{4}-\d\d</th>', text))
        assert months >= 1 and text.count('<rect class="month-bar') == 2 * months
        assert "style=" not in text
