from django.db import migrations

# The same expression selectors.search_decisions builds, so PostgreSQL can use the index.
CREATE = (
    "CREATE INDEX IF NOT EXISTS appeals_decisionsearch_gin ON appeals_decisionsearch "
    "USING GIN (to_tsvector('english'::regconfig, COALESCE(document, '')))"
)
DROP = "DROP INDEX IF EXISTS appeals_decisionsearch_gin"


def index_existing_decisions(apps, schema_editor):
    """What services.indexing.index_decisions writes, for the decisions taken before it existed."""
    Decision = apps.get_model("appeals", "Decision")
    Clause = apps.get_model("consultation", "Clause")
    DecisionSearch = apps.get_model("appeals", "DecisionSearch")
    outcomes = dict(Decision._meta.get_field("outcome").choices)
    decisions = Decision.objects.select_related("appeal__refusal", "appeal__guideline", "organization", "system")
    for decision in decisions.iterator(chunk_size=500):
        appeal, refusal = decision.appeal, decision.appeal.refusal
        headings = dict(Clause.objects.filter(version=appeal.version_id).values_list("key", "heading"))
        contested = appeal.contested_clauses.values_list("key", flat=True)
        cited = decision.cited_clauses.values_list("key", flat=True)
        keys = list(dict.fromkeys([*contested, *cited]))
        document = [
            appeal.public_id,
            outcomes.get(decision.outcome, decision.outcome),
            decision.rationale,
            decision.organization.name,
            decision.system.name,
            appeal.guideline.title,
            refusal.public_prompt_excerpt,
            refusal.public_refusal_excerpt,
            *(f"{key} {headings.get(key, '')}" for key in keys),
        ]
        DecisionSearch.objects.update_or_create(decision=decision, defaults={"document": "\n".join(document)})
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0008_decision_search")]

    operations = [migrations.RunPython(index_existing_decisions, drop_index)]
