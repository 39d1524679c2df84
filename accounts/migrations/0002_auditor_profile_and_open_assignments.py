# Squashes 0002_auditor_profile, 0002_reviewer_open_assignments and their empty merge 0003: a database that applied
# them (it must have applied all three) counts this one as applied. See docs/explanations/migrations.md.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [
        ('accounts', '0002_auditor_profile'),
        ('accounts', '0002_reviewer_open_assignments'),
        ('accounts', '0003_merge_auditors_and_open_assignments'),
    ]

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditorProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(help_text="The public name on audits and in the record, e.g. 'Jo Roe, Audit Lab'.", max_length=120, unique=True)),
                ('active', models.BooleanField(db_index=True, default=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='auditor_profile', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.AddField(
            model_name='reviewerprofile',
            name='open_assignments',
            field=models.PositiveIntegerField(default=0, editable=False, help_text="Offered and accepted assignments, kept by appeals.services.steps in the transaction that changes one, so routing reads a reviewer's load without counting their history."),
        ),
    ]
