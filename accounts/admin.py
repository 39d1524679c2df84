from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import AuditorProfile, Membership, Organization, ReviewerProfile, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_moderator", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_moderator", "is_staff", "is_active", ("posting_suspended_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "display_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "display_name"]}),
        ("Roles", {"fields": ["is_moderator", "is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        # Set by an upheld "I did not write this"; clearing it lets the account take part again.
        ("Posting", {"fields": ["posting_suspended_at"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["handle", "user", "capacity", "open_assignments", "active", "last_assigned_at"]
    list_filter = ["active"]
    search_fields = ["handle", "user__email"]
    filter_horizontal = ["affiliations"]
    autocomplete_fields = ["user"]


@admin.register(AuditorProfile)
class AuditorProfileAdmin(admin.ModelAdmin):
    list_display = ["label", "user", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["label", "user__email"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # The label is already on audits and in the record: renaming would make them disagree.
        return ["label"] if obj else []
