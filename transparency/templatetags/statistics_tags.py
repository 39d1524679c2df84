from django import template

from transparency import charts
from transparency.selectors import organization_quarters

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.625 → "63%"; no share (nothing to divide by) → an en dash, never a misleading 0%."""
    return "–" if share is None else f"{share * 100:.0f}%"


@register.filter
def bar_width(share: float | None) -> str:
    """The width of a bar in an SVG whose viewBox is 100 wide: an attribute, since CSP forbids inline styles."""
    return "0" if not share else f"{share * 100:.1f}"


@register.filter
def days(value: int | None) -> str:
    if value is None:
        return "–"
    return "1 day" if value == 1 else f"{value} days"


@register.inclusion_tag("transparency/includes/report_list.html")
def transparency_reports(organization):
    """The organization's quarterly reports, newest first, for its page: `{% transparency_reports organization %}`."""
    return {"organization": organization, "quarters": organization_quarters(organization)}


@register.inclusion_tag("transparency/includes/month_chart.html")
def month_chart(months):
    """The month table's figures drawn as SVG charts: `{% month_chart stats.months %}`."""
    return {"chart": charts.month_chart(months)}
