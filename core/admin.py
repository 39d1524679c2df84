from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Public rows change only through their services, which write the record: the admin may look, never touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
