"""Decisions cite earlier decisions through DecisionCitation, with a relation and a reason, instead of a plain
many-to-many. Each existing citation becomes `follows` (a decision cited an earlier one to rely on it) with the
reason "(cited before relations were recorded)"; a vote's list of cited ids becomes its list of citations alike."""

import django.db.models.deletion
from django.db import migrations, models

# appeals.models.citations.UNRECORDED_REASON when this was written; a migration keeps its own copy.
UNRECORDED_REASON = "(cited before relations were recorded)"


def relations_from_plain_citations(apps, schema_editor):
    Decision = apps.get_model("appeals", "Decision")
    DecisionCitation = apps.get_model("appeals", "DecisionCitation")
    Vote = apps.get_model("appeals", "Vote")
    plain = Decision.cited_decisions.through.objects.order_by("pk").values_list("from_decision_id", "to_decision_id")
    DecisionCitation.objects.bulk_create(
        (
            DecisionCitation(citing_id=citing, cited_id=cited, relation="follows", reason=UNRECORDED_REASON)
            for citing, cited in plain.iterator(chunk_size=2000)
            if citing != cited
        ),
        batch_size=2000,
    )
    for vote in Vote.objects.exclude(cited_decision_ids=[]).only("pk", "cited_decision_ids").iterator(chunk_size=2000):
        vote.citations = [
            {"decision": pk, "relation": "follows", "reason": UNRECORDED_REASON} for pk in vote.cited_decision_ids
        ]
        vote.save(update_fields=["citations"])


def plain_citations_from_relations(apps, schema_editor):
    Decision = apps.get_model("appeals", "Decision")
    DecisionCitation = apps.get_model("appeals", "DecisionCitation")
    Vote = apps.get_model("appeals", "Vote")
    Through = Decision.cited_decisions.through
    Through.objects.bulk_create(
        Through(from_decision_id=citing, to_decision_id=cited)
        for citing, cited in DecisionCitation.objects.values_list("citing_id", "cited_id")
    )
    for vote in Vote.objects.exclude(citations=[]).only("pk", "citations"):
        vote.cited_decision_ids = [citation["decision"] for citation in vote.citations]
        vote.save(update_fields=["cited_decision_ids"])


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0013_case_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="vote",
            name="citations",
            field=models.JSONField(
                blank=True, default=list, help_text="The earlier decisions it cites: each {decision, relation, reason}."
            ),
        ),
        migrations.CreateModel(
            name="DecisionCitation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "relation",
                    models.CharField(
                        choices=[("follows", "Follows"), ("distinguishes", "Distinguishes")], max_length=20
                    ),
                ),
                ("reason", models.TextField(max_length=500)),
                (
                    "cited",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="cited_by", to="appeals.decision"
                    ),
                ),
                (
                    "citing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="cites", to="appeals.decision"
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "indexes": [models.Index(fields=["cited", "relation", "citing"], name="decision_cited_by")],
                "constraints": [
                    models.UniqueConstraint(fields=("citing", "cited"), name="decision_cited_once"),
                    models.CheckConstraint(
                        condition=models.Q(("citing", models.F("cited")), _negated=True),
                        name="decision_never_cites_itself",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("relation__in", ["follows", "distinguishes"])), name="citation_relation"
                    ),
                ],
            },
        ),
        migrations.RunPython(relations_from_plain_citations, plain_citations_from_relations),
        migrations.RemoveField(
            model_name="decision",
            name="cited_decisions",
        ),
        migrations.RemoveField(
            model_name="vote",
            name="cited_decision_ids",
        ),
    ]
