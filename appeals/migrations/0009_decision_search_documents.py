from django.db import migrations

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


class Migration(migrations.Migration):
    dependencies = [("appeals", "0008_decision_search")]

    operations = [migrations.RunPython(index_existing_decisions, migrations.RunPython.noop)]
