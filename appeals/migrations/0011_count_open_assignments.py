from django.db import migrations
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

OPEN_STATUSES = ("offered", "accepted")  # Assignment.OPEN_STATUSES when this was written


def count_open_assignments(apps, schema_editor):
    """Start every reviewer's counter at a recount; from here on the services keep it."""
    Assignment = apps.get_model("appeals", "Assignment")
    ReviewerProfile = apps.get_model("accounts", "ReviewerProfile")
    open_count = (
        Assignment.objects.filter(reviewer=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("reviewer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ReviewerProfile.objects.update(
        open_assignments=Coalesce(Subquery(open_count, output_field=IntegerField()), 0)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_reviewer_open_assignments"),
        ("appeals", "0010_remove_decision_search_document"),
    ]

    operations = [migrations.RunPython(count_open_assignments, migrations.RunPython.noop)]
