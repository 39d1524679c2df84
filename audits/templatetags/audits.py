from django import template

from audits import selectors

register = template.Library()

ON_ORGANIZATION_PAGE = 10


@register.inclusion_tag("audits/includes/organization_audits_list.html")
def organization_audits(organization):
    """The latest audits covering `organization`, for its page; the rest are a link away."""
    audits, more = selectors.page(selectors.listed_audits(organization=organization), ON_ORGANIZATION_PAGE)
    return {"organization": organization, "audits": audits, "more": more is not None}
