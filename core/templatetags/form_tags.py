from django import forms, template

from core.forms import field_anchor

register = template.Library()


@register.filter
def anchor(field: forms.BoundField) -> str:
    return field_anchor(field)


@register.filter
def in_a_sentence(question: str) -> str:
    """A question as it reads after "Change": its first word in lower case when that is an ordinary word
    ("Outcome" -> "outcome"), as written when it is a key or a name in capitals ("R-9.1: why", "URL")."""
    first, _, rest = question.partition(" ")
    if first[:1].isupper() and first[1:].islower() and first.isalpha():
        return f"{first.lower()} {rest}".rstrip()
    return question
