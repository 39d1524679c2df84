from django.db import migrations

# The same expression selectors.search_decisions builds, so PostgreSQL can use the index.
CREATE = (
    "CREATE INDEX IF NOT EXISTS appeals_decision_search_gin ON appeals_decision "
    "USING GIN (to_tsvector('english'::regconfig, COALESCE(search_document, '')))"
)
DROP = "DROP INDEX IF EXISTS appeals_decision_search_gin"


def create_index(apps, schema_editor):
    schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_appeals")]

    operations = [migrations.RunPython(create_index, drop_index)]
