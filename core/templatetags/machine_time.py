import datetime

from django import template

register = template.Library()


@register.filter
def machine_time(value: datetime.date | None) -> str:
    """The value of a <time datetime> attribute: HTML allows at most milliseconds, so whole seconds, in UTC."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    return value.isoformat() if value else ""
