from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over consultation's SentNotice table (renamed to core_sentnotice by consultation 0005)."""

    initial = True

    dependencies = [
        ("consultation", "0005_sent_notices_move_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SentNotice",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200, unique=True)),
                        ("sent_at", models.DateTimeField(auto_now_add=True)),
                    ],
                ),
            ],
        ),
    ]
