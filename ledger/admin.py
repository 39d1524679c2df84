from django.contrib import admin

from core.admin import ReadOnlyAdmin
from ledger.models import Entry, VerificationRun


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "kind", "subject"]
    list_filter = ["kind"]
    search_fields = ["subject"]


@admin.register(VerificationRun)
class VerificationRunAdmin(ReadOnlyAdmin):
    list_display = ["finished_at", "entries_checked", "ok", "first_bad_seq"]
    list_filter = ["ok"]
    search_fields = []
