"""A clause's leading decisions, for the clause page of consultation, which sits below appeals and so shows them
through this tag (templates are the site's) rather than importing appeals."""

from django import template

from appeals import selectors

register = template.Library()


@register.inclusion_tag("appeals/includes/leading_decisions.html")
def leading_decisions(guideline, key: str) -> dict:
    """The decisions in force citing clause `key` of `guideline`, most followed first. One query."""
    found = selectors.leading_decisions(selectors.public_decisions(), guideline_id=guideline.pk, key=key)
    return {"decisions": found, "guideline": guideline, "key": key}
