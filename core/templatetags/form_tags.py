from django import forms, template

from core.forms import field_anchor

register = template.Library()


@register.filter
def anchor(field: forms.BoundField) -> str:
    return field_anchor(field)
