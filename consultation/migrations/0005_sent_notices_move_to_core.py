from django.db import migrations


class Migration(migrations.Migration):
    """SentNotice now lives in core, for every app's mail; the rows (and their table) move with it."""

    dependencies = [
        ("consultation", "0004_comment_hidden_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("SentNotice", "core_sentnotice")],
            state_operations=[migrations.DeleteModel("SentNotice")],
        ),
    ]
