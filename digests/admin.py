from django.contrib import admin

from digests.models import Follow, MailOptOut


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "guideline", "version", "appeal", "frequency", "created_at"]
    list_filter = ["frequency"]
    list_select_related = ["user", "guideline", "version__guideline", "appeal"]
    raw_id_fields = ["user", "guideline", "version", "appeal"]
    search_fields = ["user__email"]


@admin.register(MailOptOut)
class MailOptOutAdmin(admin.ModelAdmin):
    """An operator may lift an opt-out the person asked for by email; the person can on their follows page."""

    list_display = ["address", "created_at"]
    search_fields = ["address"]
