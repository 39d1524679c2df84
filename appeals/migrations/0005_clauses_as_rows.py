import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0004_appeal_admitted_by"),
    ]

    operations = [
        migrations.AlterModelOptions(name="citedclause", options={"ordering": ["pk"]}),
        migrations.AlterModelOptions(name="contestedclause", options={"ordering": ["pk"]}),
        migrations.AddField(
            model_name="citedclause",
            name="vote",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="cited_clauses",
                to="appeals.vote",
            ),
        ),
        migrations.AlterField(
            model_name="citedclause",
            name="decision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="cited_clauses",
                to="appeals.decision",
            ),
        ),
    ]
