from datetime import date

from django import template

from consultation.models import CloseOut
from core.periods import within_months

register = template.Library()

SHOWN = 20


@register.inclusion_tag("consultation/includes/closeout_list.html")
def organization_closeouts(organization, first: date | None = None, last: date | None = None):
    """The organization's close-outs, newest first (`first`..`last`: only those published in those months), for its
    page and its quarterly reports: `{% organization_closeouts organization %}`. One query."""
    closeouts = CloseOut.objects.filter(
        within_months("created_at", first, last), version__guideline__organization=organization
    )
    found = closeouts.select_related("version__guideline__organization").order_by("-created_at", "-pk")[:SHOWN]
    return {"closeouts": list(found), "organization": organization, "in_period": bool(first or last)}
