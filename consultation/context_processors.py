from django.utils.functional import SimpleLazyObject

from accounts.permissions import publisher_organizations


def publishing(request):
    """Whether to offer the publisher pages in the navigation, computed only if a template asks."""
    return {"user_is_publisher": SimpleLazyObject(lambda: publisher_organizations(request.user).exists())}
