"""Follows moved to the digests app (with a frequency, and of consultations and appeals too): the old table goes
once digests has copied it (digests/migrations/0002_guideline_follows.py)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0007_suggestions_opinions_closeouts"),
        ("digests", "0002_guideline_follows"),
    ]

    operations = [migrations.DeleteModel(name="Follow")]
