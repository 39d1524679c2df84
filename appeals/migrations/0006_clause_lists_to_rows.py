from django.db import migrations


def keys_to_rows(apps, schema_editor):
    """The JSON lists become rows, so an appeal's and a decision's clauses have one source of truth."""
    Appeal = apps.get_model("appeals", "Appeal")
    Decision = apps.get_model("appeals", "Decision")
    Vote = apps.get_model("appeals", "Vote")
    ContestedClause = apps.get_model("appeals", "ContestedClause")
    CitedClause = apps.get_model("appeals", "CitedClause")
    for appeal in Appeal.objects.only("pk", "guideline_id", "clause_keys").iterator():
        known = set(ContestedClause.objects.filter(appeal=appeal).values_list("key", flat=True))
        ContestedClause.objects.bulk_create(
            ContestedClause(appeal=appeal, guideline_id=appeal.guideline_id, key=key)
            for key in dict.fromkeys(appeal.clause_keys or [])
            if key not in known
        )
    for decision in Decision.objects.only("pk", "cited_clause_keys").iterator():
        known = set(CitedClause.objects.filter(decision=decision).values_list("key", flat=True))
        CitedClause.objects.bulk_create(
            CitedClause(decision=decision, key=key)
            for key in dict.fromkeys(decision.cited_clause_keys or [])
            if key not in known
        )
    for vote in Vote.objects.only("pk", "cited_clause_keys").iterator():
        CitedClause.objects.bulk_create(
            CitedClause(vote=vote, key=key) for key in dict.fromkeys(vote.cited_clause_keys or [])
        )


class Migration(migrations.Migration):
    """Apart from the schema changes around it: on PostgreSQL, rows written in a migration must be committed before
    the next one alters their table (its deferred index and constraint statements run at the end)."""

    dependencies = [
        ("appeals", "0005_clauses_as_rows"),
    ]

    operations = [
        migrations.RunPython(keys_to_rows, migrations.RunPython.noop),
    ]
