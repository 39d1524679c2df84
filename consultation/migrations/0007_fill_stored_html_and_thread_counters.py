from django.db import migrations
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from core.markdown import render_markdown

BATCH = 1000


def _render(model, source: str, target: str) -> None:
    """Render the Markdown of rows written before their HTML was stored, a batch at a time."""
    batch = []
    for row in model.objects.only("pk", source).order_by("pk").iterator(chunk_size=BATCH):
        setattr(row, target, render_markdown(getattr(row, source)))
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_update(batch, [target])
            batch = []
    model.objects.bulk_update(batch, [target])


def _count(rows, **where):
    """A count of `rows` matching `where` (OuterRef for the row being updated), 0 when none: one subquery."""
    counted = rows.filter(**where).order_by().values(*where).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def fill(apps, schema_editor):
    Clause = apps.get_model("consultation", "Clause")
    Comment = apps.get_model("consultation", "Comment")
    Endorsement = apps.get_model("consultation", "Endorsement")
    GuidelineVersion = apps.get_model("consultation", "GuidelineVersion")
    Response = apps.get_model("consultation", "Response")
    _render(Clause, "text", "text_html")
    _render(Comment, "body", "body_html")
    _render(Response, "text", "text_html")
    _render(GuidelineVersion, "summary_of_changes", "summary_html")

    Comment.objects.update(
        endorsement_count=_count(Endorsement.objects.all(), comment=OuterRef("pk")),
        reply_count=_count(Comment.objects.all(), parent=OuterRef("pk")),
    )
    top = Comment.objects.filter(parent__isnull=True)
    hidden = top.filter(status="hidden")
    answered = top.filter(status="published").filter(
        Exists(Response.objects.filter(comment=OuterRef("pk")))
    )
    Clause.objects.update(
        comment_count=_count(top, clause=OuterRef("pk")),
        hidden_count=_count(hidden, clause=OuterRef("pk")),
        answered_count=_count(answered, clause=OuterRef("pk")),
        endorsement_count=_count(Endorsement.objects.all(), comment__clause=OuterRef("pk")),
    )
    general = Q(clause__isnull=True)
    GuidelineVersion.objects.update(
        general_comment_count=_count(top.filter(general), version=OuterRef("pk")),
        general_hidden_count=_count(hidden.filter(general), version=OuterRef("pk")),
        general_answered_count=_count(answered.filter(general), version=OuterRef("pk")),
        general_endorsement_count=_count(
            Endorsement.objects.filter(comment__clause__isnull=True), comment__version=OuterRef("pk")
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("consultation", "0006_stored_html_and_thread_counters")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
