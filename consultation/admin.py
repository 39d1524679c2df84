from django.contrib import admin

from consultation.models import Clause, Comment, CommentPeriod, CommentReport, Guideline, GuidelineVersion
from core.admin import ReadOnlyAdmin


@admin.register(Guideline)
class GuidelineAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "slug", "created_at"]
    list_filter = ["organization"]
    search_fields = ["title", "slug"]


class ClauseInline(admin.TabularInline):
    model = Clause
    extra = 0
    fields = readonly_fields = ("position", "key", "heading", "tags")
    can_delete = False


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(ReadOnlyAdmin):
    list_display = ["guideline", "number", "status", "published_at"]
    list_filter = ["status"]
    inlines = [ClauseInline]


@admin.register(CommentPeriod)
class CommentPeriodAdmin(ReadOnlyAdmin):
    list_display = ["version", "opens_at", "closes_at"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "version", "clause", "author", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["body"]


@admin.register(CommentReport)
class CommentReportAdmin(ReadOnlyAdmin):
    list_display = ["comment", "reporter", "created_at", "resolved_at"]
