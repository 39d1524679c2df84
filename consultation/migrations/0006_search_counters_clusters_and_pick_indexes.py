# Squashes 0006_comment_search_and_clause_pressure_answers, 0006_index_comment_dates_for_statistics_lists,
# 0006_stored_html_and_thread_counters, 0007_fill_stored_html_and_thread_counters, 0006_comment_clusters,
# 0010_one_window_index_for_shown_comments, 0011_comment_answered_at_and_pick_indexes and the empty merges 0007–0009:
# a database that applied all of them counts this one as applied. See docs/explanations/migrations.md.
#
# The indexes 0010 removed (consultatio_created_399166_idx, comment_thread_window and the first comment_shown_once) are
# never created; comment_shown_once is created as 0010 left it. The backfills, which find nothing to do on a new
# database, run last and are elidable.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
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


def fill_stored_html_and_thread_counters(apps, schema_editor):
    """Was 0007_fill_stored_html_and_thread_counters."""
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


def keep_answer_times(apps, schema_editor):
    """Comments answered before the time was kept on the row take it from their response (was in 0011)."""
    Comment, Response = apps.get_model("consultation", "Comment"), apps.get_model("consultation", "Response")
    answer_time = Response.objects.filter(comment=OuterRef("pk")).values("created_at")[:1]
    Comment.objects.filter(response__isnull=False).update(answered_at=Subquery(answer_time))


class Migration(migrations.Migration):

    replaces = [
        ('consultation', '0006_comment_search_and_clause_pressure_answers'),
        ('consultation', '0006_index_comment_dates_for_statistics_lists'),
        ('consultation', '0006_stored_html_and_thread_counters'),
        ('consultation', '0006_comment_clusters'),
        ('consultation', '0007_fill_stored_html_and_thread_counters'),
        ('consultation', '0007_merge_statistics_indexes'),
        ('consultation', '0008_merge_stored_html_and_counters'),
        ('consultation', '0009_merge_clusters'),
        ('consultation', '0010_one_window_index_for_shown_comments'),
        ('consultation', '0011_comment_answered_at_and_pick_indexes'),
    ]

    dependencies = [
        ('consultation', '0005_sent_notices_move_to_core'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # 0006_comment_search_and_clause_pressure_answers
        migrations.AddField(
            model_name='clausechange',
            name='pressure_decided',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='clausechange',
            name='pressure_overturned',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='comment',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(status='published', then=django.contrib.postgres.search.SearchVector('body', config='english')), default=None), output_field=django.contrib.postgres.search.SearchVectorField(null=True)),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='comment_search_vector'),
        ),
        # 0006_stored_html_and_thread_counters
        migrations.AddField(
            model_name='clause',
            name='answered_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='clause',
            name='comment_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='clause',
            name='endorsement_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='clause',
            name='hidden_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='clause',
            name='text_html',
            field=models.TextField(blank=True, editable=False, help_text='The text, rendered and sanitised when written.'),
        ),
        migrations.AddField(
            model_name='comment',
            name='body_html',
            field=models.TextField(blank=True, editable=False, help_text='The body, rendered and sanitised when posted.'),
        ),
        migrations.AddField(
            model_name='comment',
            name='endorsement_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='comment',
            name='reply_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='guidelineversion',
            name='general_answered_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='guidelineversion',
            name='general_comment_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='guidelineversion',
            name='general_endorsement_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='guidelineversion',
            name='general_hidden_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='guidelineversion',
            name='summary_html',
            field=models.TextField(blank=True, editable=False, help_text='summary_of_changes, rendered when written.'),
        ),
        migrations.AddField(
            model_name='response',
            name='text_html',
            field=models.TextField(blank=True, editable=False, help_text='The text, rendered and sanitised when written.'),
        ),
        # 0006_comment_clusters
        migrations.CreateModel(
            name='CommentBand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name='CommentFingerprint',
            fields=[
                ('comment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='fingerprint', serialize=False, to='consultation.comment')),
                ('signature', models.BinaryField()),
            ],
        ),
        migrations.AddField(
            model_name='comment',
            name='text_hash',
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.CreateModel(
            name='CommentCluster',
            fields=[
                ('representative', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='+', serialize=False, to='consultation.comment')),
                ('size', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clusters', to='consultation.guidelineversion')),
            ],
            options={
                'ordering': ['-size', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='comment',
            name='cluster',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='consultation.commentcluster'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['version', 'text_hash'], name='comment_text_hash'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['created_at'], name='comment_created_at'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['cluster', 'id'], name='comment_cluster_members'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('cluster__isnull', True)), fields=['version', 'id'], name='comment_unclustered'),
        ),
        migrations.AddField(
            model_name='commentfingerprint',
            name='cluster',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='consultation.commentcluster'),
        ),
        migrations.AddField(
            model_name='commentband',
            name='fingerprint',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bands', to='consultation.commentfingerprint'),
        ),
        migrations.AddIndex(
            model_name='commentcluster',
            index=models.Index(fields=['version', '-size'], name='cluster_version_size'),
        ),
        migrations.AddIndex(
            model_name='commentband',
            index=models.Index(fields=['key'], name='comment_band_key'),
        ),
        # 0010_one_window_index_for_shown_comments
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(models.F('version'), models.F('clause'), models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('parent__isnull', True), models.Q(('cluster__isnull', True), ('cluster_id', models.F('id')), _connector='OR')), name='comment_shown_once'),
        ),
        # 0011_comment_answered_at_and_pick_indexes
        migrations.AddField(
            model_name='comment',
            name='answered_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(models.F('version'), models.F('clause'), models.OrderBy(models.F('endorsement_count'), descending=True), models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('parent__isnull', True), models.Q(('cluster__isnull', True), ('cluster_id', models.F('id')), _connector='OR'), ('endorsement_count__gt', 0), ('status', 'published')), name='comment_most_endorsed'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(models.F('version'), models.F('clause'), models.OrderBy(models.F('answered_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('parent__isnull', True), models.Q(('cluster__isnull', True), ('cluster_id', models.F('id')), _connector='OR'), ('answered_at__isnull', False), ('status', 'published')), name='comment_newest_answered'),
        ),
        # Backfills, after every schema change: nothing to do on a new database.
        migrations.RunPython(fill_stored_html_and_thread_counters, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(keep_answer_times, migrations.RunPython.noop, elidable=True),
    ]
