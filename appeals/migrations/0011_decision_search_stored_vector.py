import django.contrib.postgres.search
from django.db import migrations, models

import django.contrib.postgres.indexes

# The expression index of 0008 is replaced by the GIN index on the stored vector: searches read the column.
DROP_OLD = "DROP INDEX IF EXISTS appeals_decisionsearch_gin"
CREATE_OLD = (
    "CREATE INDEX IF NOT EXISTS appeals_decisionsearch_gin ON appeals_decisionsearch "
    "USING GIN (to_tsvector('english'::regconfig, COALESCE(document, '')))"
)


def drop_old_index(apps, schema_editor):
    schema_editor.execute(DROP_OLD)


def create_old_index(apps, schema_editor):
    schema_editor.execute(CREATE_OLD)


def fill_clauses(apps, schema_editor):
    """The clause keys and headings of decisions indexed before they had their own, weighted column: what
    services.indexing.index_decisions writes now."""
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


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0010_remove_decision_search_document"),
        ("consultation", "0006_comment_search_and_clause_pressure_answers"),
    ]

    operations = [
        migrations.RunPython(drop_old_index, create_old_index),
        migrations.AddField(
            model_name="decisionsearch",
            name="clauses",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="decisionsearch",
            name="vector",
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
            model_name="decisionsearch",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="decision_search_vector"),
        ),
        migrations.RunPython(fill_clauses, migrations.RunPython.noop),
    ]
