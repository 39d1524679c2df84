from datetime import date

from django import template

from consultation.models import CloseOut

register = template.Library()

SHOWN = 20


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@register.inclusion_tag("consultation/includes/closeout_list.html")
def organization_closeouts(organization, first: date | None = None, last: date | None = None):
    """The organization's close-outs, newest first (`first`..`last`: only those published in those months), for its
    page and its quarterly reports: `{% organization_closeouts organization %}`. One query."""
    closeouts = CloseOut.objects.filter(version__guideline__organization=organization)
    if first:
        closeouts = closeouts.filter(created_at__date__gte=first)
    if last:
        closeouts = closeouts.filter(created_at__date__lt=_month_after(last))
    found = closeouts.select_related("version__guideline__organization").order_by("-created_at", "-pk")[:SHOWN]
    return {"closeouts": list(found), "organization": organization, "in_period": bool(first or last)}
