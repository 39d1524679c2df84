from django.contrib import admin

from appeals.models import AISystem, Appeal, Assignment, Decision, Recommendation
from core.admin import ReadOnlyAdmin


@admin.register(AISystem)
class AISystemAdmin(admin.ModelAdmin):
    """Staff register the systems whose refusals can be appealed."""

    list_display = ["name", "organization", "slug"]
    list_filter = ["organization"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "status", "significant", "filed_at", "deadline"]
    list_filter = ["status", "significant"]
    search_fields = ["public_id"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "reviewer", "status", "offered_at", "due_at"]
    list_filter = ["status"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "appeal", "outcome", "decided_at"]
    list_filter = ["outcome", "organization"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "organization", "state", "response", "respond_by", "overdue_flagged_at"]
    list_filter = ["state", "response", "organization"]
    search_fields = ["public_id"]
