from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from core.models import OutboxTask


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Public rows change only through their services, which write the record: the admin may look, never touch."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(OutboxTask)
class OutboxTaskAdmin(ReadOnlyAdmin):
    """Tasks not yet done (core/outbox.py): what waits for the broker, what was lost or failed; send them again."""

    list_display = ["task", "args", "state", "attempts", "next_attempt_at", "created_at", "last_error"]
    list_filter = ["state", "task"]
    actions = ["hand_over_again"]

    def has_hand_over_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.change_outboxtask")

    @admin.action(description="Hand over again at the next relay", permissions=["hand_over"])
    def hand_over_again(self, request: HttpRequest, queryset: QuerySet[OutboxTask]) -> None:
        count = queryset.update(state=OutboxTask.PENDING, next_attempt_at=timezone.now())
        self.message_user(request, f"{count} tasks will be handed to the broker at the next relay.")
