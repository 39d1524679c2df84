from django import template

register = template.Library()


@register.filter
def agree_percent(share: float) -> str:
    """0.873 → "87%": the share of a statement's votes that agree."""
    return f"{round(float(share) * 100)}%"
