"""Drop the single-column indexes on ``members_person.org_id`` and ``members_membership.org_id``:
the composite indexes (org, real_name) and (org, status, due_date) start with the same column and
serve every lookup by org, the foreign keys' checks on deleting an org included. Each twin was
written on every insert: at a 100,000-row roster import the raw load of the four tables took about
a tenth less without them (bench/roster_import.py, decision 0007)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0005_drop_unused_pattern_indexes'),
        ('orgs', '0003_org_autovacuum'),
    ]

    operations = [
        migrations.AlterField(
            model_name='membership',
            name='org',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='orgs.org', verbose_name='union'),
        ),
        migrations.AlterField(
            model_name='person',
            name='org',
            field=models.ForeignKey(db_index=False, help_text="The union that holds this person's record.", on_delete=django.db.models.deletion.PROTECT, related_name='people', to='orgs.org', verbose_name='union'),
        ),
    ]
