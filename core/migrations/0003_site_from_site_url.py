from django.db import migrations

from core.sites import sync_site


def forwards(apps, schema_editor):
    sync_site(apps=apps)


class Migration(migrations.Migration):
    """The Site said example.com, so feeds and sign-up emails did; from now on it follows SITE_URL."""

    dependencies = [("core", "0002_outbox_task"), ("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
