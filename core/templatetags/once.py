from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.idempotency import FORM_FIELD, once_token

register = template.Library()


@register.simple_tag
def once_field() -> SafeString:
    """The hidden one-time token of a form that creates something: sent twice, it lands on the first's page."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, once_token())
