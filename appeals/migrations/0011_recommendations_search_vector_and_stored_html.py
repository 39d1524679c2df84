# Squashes 0011_recommendations, 0012_recommendation_tally, 0011_decision_search_stored_vector,
# 0011_index_filing_and_decision_dates_for_statistics_lists, 0011_count_open_assignments, 0011_stored_rationale_html,
# 0012_fill_stored_rationale_html and the empty merges 0013–0016: a database that applied all of them counts this one
# as applied. See docs/explanations/migrations.md.
#
# The backfills, which find nothing to do on a new database, run last and are elidable.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.markdown import render_markdown

BATCH = 1000

# The expression index of 0008 is replaced by the GIN index on the stored vector: searches read the column.
DROP_OLD = "DROP INDEX IF EXISTS appeals_decisionsearch_gin"
CREATE_OLD = (
    "CREATE INDEX IF NOT EXISTS appeals_decisionsearch_gin ON appeals_decisionsearch "
    "USING GIN (to_tsvector('english'::regconfig, COALESCE(document, '')))"
)

OPEN_STATUSES = ("offered", "accepted")  # Assignment.OPEN_STATUSES when this was written
COUNTED_STATES = ("awaiting_response", "in_progress", "implemented")


def fill_clauses(apps, schema_editor):
    """The clause keys and headings of decisions indexed before they had their own, weighted column: what
    services.indexing.index_decisions writes now (was in 0011_decision_search_stored_vector)."""
    DecisionSearch = apps.get_model("appeals", "DecisionSearch")
    Clause = apps.get_model("consultation", "Clause")
    rows = DecisionSearch.objects.select_related("decision__appeal").order_by("pk")
    for row in rows.iterator(chunk_size=500):
        appeal = row.decision.appeal
        headings = dict(Clause.objects.filter(version=appeal.version_id).values_list("key", "heading"))
        contested = appeal.contested_clauses.values_list("key", flat=True)
        cited = row.decision.cited_clauses.values_list("key", flat=True)
        keys = list(dict.fromkeys([*contested, *cited]))
        row.clauses = "\n".join(f"{key} {headings.get(key, '')}" for key in keys)
        row.save(update_fields=["clauses"])


def count_existing_recommendations(apps, schema_editor):
    """Tallies for the recommendations stored before there were tallies, counted as Recommendation.figures does
    (was in 0012_recommendation_tally)."""
    Recommendation = apps.get_model("appeals", "Recommendation")
    RecommendationTally = apps.get_model("appeals", "RecommendationTally")
    counts = {}
    for organization_id, state, response in Recommendation.objects.values_list("organization_id", "state", "response"):
        figures = {"made"} | ({"responded", response} if response else set())
        figures |= {state} if state in COUNTED_STATES else set()
        for figure in figures:
            counts[organization_id, figure] = counts.get((organization_id, figure), 0) + 1
    RecommendationTally.objects.bulk_create(
        RecommendationTally(organization_id=organization_id, figure=figure, count=count)
        for (organization_id, figure), count in counts.items()
    )


def count_open_assignments(apps, schema_editor):
    """Start every reviewer's counter at a recount; from here on the services keep it (was
    0011_count_open_assignments)."""
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


def fill_rationale_html(apps, schema_editor):
    """Render the rationales decided before their HTML was stored (migrations' models have no append-only guard;
    was 0012_fill_stored_rationale_html)."""
    for name in ["Decision", "Vote"]:
        model = apps.get_model("appeals", name)
        batch = []
        for row in model.objects.only("pk", "rationale").order_by("pk").iterator(chunk_size=BATCH):
            row.rationale_html = render_markdown(row.rationale)
            batch.append(row)
            if len(batch) >= BATCH:
                model.objects.bulk_update(batch, ["rationale_html"])
                batch = []
        model.objects.bulk_update(batch, ["rationale_html"])


class Migration(migrations.Migration):

    replaces = [
        ('appeals', '0011_recommendations'),
        ('appeals', '0012_recommendation_tally'),
        ('appeals', '0011_decision_search_stored_vector'),
        ('appeals', '0013_merge_search_and_recommendations'),
        ('appeals', '0011_index_filing_and_decision_dates_for_statistics_lists'),
        ('appeals', '0014_merge_statistics_indexes'),
        ('appeals', '0011_count_open_assignments'),
        ('appeals', '0015_merge_open_assignments'),
        ('appeals', '0011_stored_rationale_html'),
        ('appeals', '0012_fill_stored_rationale_html'),
        ('appeals', '0016_merge_stored_rationale_html'),
    ]

    dependencies = [
        ('accounts', '0002_auditor_profile_and_open_assignments'),
        ('appeals', '0010_remove_decision_search_document'),
        ('consultation', '0006_search_counters_clusters_and_pick_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # 0011_recommendations
        migrations.AddField(
            model_name='vote',
            name='recommendations',
            field=models.JSONField(blank=True, default=list, help_text='The texts this member recommends.'),
        ),
        migrations.CreateModel(
            name='Recommendation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.CharField(help_text="The appeal's id and its number: A-…-R1.", max_length=24, unique=True)),
                ('text', models.TextField(max_length=2000)),
                ('made_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('respond_by', models.DateTimeField()),
                ('state', models.CharField(choices=[('awaiting_response', 'Awaiting response'), ('accepted', 'Accepted'), ('partly_accepted', 'Accepted in part'), ('declined', 'Declined'), ('already_done', 'Already done'), ('in_progress', 'In progress'), ('implemented', 'Implemented')], default='awaiting_response', max_length=20)),
                ('response', models.CharField(blank=True, choices=[('accepted', 'Accepted'), ('partly_accepted', 'Accepted in part'), ('declined', 'Declined'), ('already_done', 'Already done')], max_length=20)),
                ('responded_at', models.DateTimeField(blank=True, null=True)),
                ('implemented_on', models.DateField(blank=True, null=True)),
                ('evidence_url', models.URLField(blank=True, max_length=500)),
                ('reminded_days', models.PositiveSmallIntegerField(blank=True, help_text='Days before the deadline of the last reminder sent.', null=True)),
                ('overdue_flagged_at', models.DateTimeField(blank=True, null=True)),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recommendations', to='appeals.decision')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recommendations', to='accounts.organization')),
            ],
            options={
                'ordering': ['-pk'],
            },
        ),
        migrations.CreateModel(
            name='RecommendationStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('made', 'Made'), ('accepted', 'Accepted'), ('partly_accepted', 'Accepted in part'), ('declined', 'Declined'), ('already_done', 'Already done'), ('in_progress', 'In progress'), ('implemented', 'Implemented'), ('overdue', 'Overdue')], max_length=20)),
                ('actor', models.CharField(help_text='Public label: the panel, the organization, the deadline.', max_length=200)),
                ('note', models.TextField(blank=True, max_length=5000)),
                ('implemented_on', models.DateField(blank=True, null=True)),
                ('evidence_url', models.URLField(blank=True, max_length=500)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recommendation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='steps', to='appeals.recommendation')),
            ],
            options={
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.AddIndex(
            model_name='recommendation',
            index=models.Index(fields=['organization', '-id'], name='appeals_rec_organiz_9d6be2_idx'),
        ),
        migrations.AddIndex(
            model_name='recommendation',
            index=models.Index(fields=['organization', 'state', '-id'], name='appeals_rec_organiz_29c7a1_idx'),
        ),
        migrations.AddIndex(
            model_name='recommendation',
            index=models.Index(fields=['organization', 'response', '-id'], name='appeals_rec_organiz_847211_idx'),
        ),
        migrations.AddIndex(
            model_name='recommendation',
            index=models.Index(fields=['state', 'respond_by'], name='appeals_rec_state_8e857f_idx'),
        ),
        migrations.AddIndex(
            model_name='recommendationstep',
            index=models.Index(fields=['recommendation', 'at'], name='appeals_rec_recomme_28b715_idx'),
        ),
        # 0012_recommendation_tally
        migrations.CreateModel(
            name='RecommendationTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('figure', models.CharField(max_length=20)),
                ('count', models.IntegerField(default=0)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organization', 'figure'), name='one_tally_per_figure')],
            },
        ),
        migrations.AddIndex(
            model_name='recommendation',
            index=models.Index(fields=['organization', 'state', 'respond_by'], name='appeals_rec_organiz_a113b0_idx'),
        ),
        # 0011_decision_search_stored_vector
        migrations.RunSQL(DROP_OLD, CREATE_OLD),
        migrations.AddField(
            model_name='decisionsearch',
            name='clauses',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='decisionsearch',
            name='vector',
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector("clauses", config="english", weight="A"),
                    "||",
                    django.contrib.postgres.search.SearchVector("document", config="english", weight="B"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(null=True),
            ),
        ),
        migrations.AddIndex(
            model_name='decisionsearch',
            index=django.contrib.postgres.indexes.GinIndex(fields=['vector'], name='decision_search_vector'),
        ),
        # 0011_index_filing_and_decision_dates_for_statistics_lists
        migrations.AddIndex(
            model_name='appeal',
            index=models.Index(fields=['filed_at'], name='appeals_app_filed_a_fd9479_idx'),
        ),
        migrations.AddIndex(
            model_name='appeal',
            index=models.Index(fields=['inadmissible_reason', 'filed_at'], name='appeals_app_inadmis_0f37c5_idx'),
        ),
        migrations.AddIndex(
            model_name='decision',
            index=models.Index(fields=['decided_at'], name='appeals_dec_decided_49b59b_idx'),
        ),
        # 0011_stored_rationale_html
        migrations.AddField(
            model_name='decision',
            name='rationale_html',
            field=models.TextField(blank=True, editable=False, help_text='The rationale, rendered when decided.'),
        ),
        migrations.AddField(
            model_name='vote',
            name='rationale_html',
            field=models.TextField(blank=True, editable=False, help_text='The rationale, rendered when cast.'),
        ),
        # Backfills, after every schema change: nothing to do on a new database.
        migrations.RunPython(fill_clauses, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(count_existing_recommendations, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(count_open_assignments, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(fill_rationale_html, migrations.RunPython.noop, elidable=True),
    ]
