from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0006_clause_lists_to_rows"),
    ]

    operations = [
        migrations.RemoveField(model_name="appeal", name="clause_keys"),
        migrations.RemoveField(model_name="decision", name="cited_clause_keys"),
        migrations.RemoveField(model_name="vote", name="cited_clause_keys"),
        migrations.AddConstraint(
            model_name="citedclause",
            constraint=models.UniqueConstraint(fields=("vote", "key"), name="voted_clause_once"),
        ),
        migrations.AddConstraint(
            model_name="citedclause",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decision__isnull", True), ("vote__isnull", False)),
                    models.Q(("decision__isnull", False), ("vote__isnull", True)),
                    _connector="OR",
                ),
                name="cited_by_a_decision_or_a_vote",
            ),
        ),
    ]
