from django.contrib import admin

from ledger.models import Entry, VerificationRun


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Read-only: the record is append-only, so the admin can look but never change."""

    list_display = ["seq", "at", "kind", "subject"]
    list_filter = ["kind"]
    search_fields = ["subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VerificationRun)
class VerificationRunAdmin(EntryAdmin):
    list_display = ["finished_at", "entries_checked", "ok", "first_bad_seq"]
    list_filter = ["ok"]
    search_fields = []
