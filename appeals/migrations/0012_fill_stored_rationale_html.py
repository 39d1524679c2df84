from django.db import migrations

from core.markdown import render_markdown

BATCH = 1000


def fill(apps, schema_editor):
    """Render the rationales decided before their HTML was stored (migrations' models have no append-only guard)."""
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
    dependencies = [("appeals", "0011_stored_rationale_html")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
