from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin
from ledger.models import Checkpoint, Cosignature, Entry, VerificationRun, Witness


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


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["size", "root_hash", "published_at"]


@admin.register(Cosignature)
class CosignatureAdmin(ReadOnlyAdmin):
    list_display = ["checkpoint", "witness", "added_at"]
    list_filter = ["witness"]


@admin.register(Witness)
class WitnessAdmin(admin.ModelAdmin[Witness]):
    """Staff register a witness by its verifier key; a witness that stops is made inactive, never deleted. One that
    serves c2sp.org/tlog-witness is given its add-checkpoint URL, and is pushed each new checkpoint from then on."""

    list_display = ["name", "operator", "active", "add_checkpoint_url", "added_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default, chosen now
    list_filter = ["active"]
    readonly_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Witness | None = None) -> list[str]:
        # A registered key stays what its past cosignatures were verified with.
        return ["name", "verifier_key"] if obj else ["name"]

    def has_delete_permission(self, request: HttpRequest, obj: Witness | None = None) -> bool:
        return False
