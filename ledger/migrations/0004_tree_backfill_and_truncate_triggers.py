from django.db import migrations

from ledger import merkle

APPEND_ONLY_TABLES = ["ledger_treenode", "ledger_checkpoint", "ledger_cosignature"]

# A test database sets ledger.allow_truncate (see tests/conftest.py) so that Django's flush between tests may empty
# it; a deployment never does.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_is_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('ledger.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The public record is never rewritten: %% on %% refused.', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def _triggers(table: str, *, rows: bool) -> str:
    statements = [
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();"
    ]
    if rows:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();"
        )
    return "\n".join(statements)


def build_tree(apps, schema_editor):
    """The tree of the entries stored before it existed, built once in one pass."""
    Entry = apps.get_model("ledger", "Entry")
    TreeNode = apps.get_model("ledger", "TreeNode")
    tree, batch = merkle.Frontier(), []
    for entry_hash in Entry.objects.order_by("seq").values_list("hash", flat=True).iterator(5000):
        for node, value in tree.append(merkle.leaf_hash(entry_hash)).items():
            batch.append(TreeNode(index=merkle.stored_hash_index(*node), hash=value))
        if len(batch) >= 5000:
            TreeNode.objects.bulk_create(batch)
            batch = []
    TreeNode.objects.bulk_create(batch)


def create_triggers(apps, schema_editor):
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(_triggers("ledger_entry", rows=False))
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(_triggers(table, rows=True))


def drop_triggers(apps, schema_editor):
    for table in ["ledger_entry", *APPEND_ONLY_TABLES]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS ledger_is_append_only();")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_merkle_tree_and_checkpoints")]

    operations = [
        migrations.RunPython(build_tree, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
