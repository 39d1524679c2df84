"""Every follow of a guideline made before digests existed, moved here with the frequency it had: at once."""

from django.db import migrations


def copy_guideline_follows(apps, schema_editor):
    old = apps.get_model("consultation", "Follow")
    new = apps.get_model("digests", "Follow")
    new.objects.bulk_create(
        [
            new(user_id=user_id, guideline_id=guideline_id, frequency="immediate", created_at=created_at)
            for user_id, guideline_id, created_at in old.objects.values_list("user_id", "guideline_id", "created_at")
        ],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    old = apps.get_model("consultation", "Follow")
    new = apps.get_model("digests", "Follow")
    follows = new.objects.filter(guideline__isnull=False).values_list("user_id", "guideline_id", "created_at")
    old.objects.bulk_create(
        [old(user_id=user, guideline_id=guideline, created_at=at) for user, guideline, at in follows],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("digests", "0001_digests")]

    operations = [migrations.RunPython(copy_guideline_follows, copy_back)]
