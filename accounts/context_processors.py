from django.utils.functional import SimpleLazyObject

from accounts import permissions


def roles(request):
    """Role flags for the navigation, each computed only if a template asks for it."""
    user = request.user
    return {
        "user_is_moderator": SimpleLazyObject(lambda: permissions.is_moderator(user)),
        "user_is_reviewer": SimpleLazyObject(lambda: permissions.is_reviewer(user)),
        "user_is_auditor": SimpleLazyObject(lambda: permissions.is_auditor(user)),
        # The organizations a publisher may post as (the comment form's "Post as"), read once per page if asked.
        "user_organizations": SimpleLazyObject(lambda: list(permissions.publisher_organizations(user))),
    }
