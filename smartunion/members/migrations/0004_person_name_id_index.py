"""Name-prefix search in a wide scope (a district, the city) at a million members: an index on
(real_name, id) gives rows in the list's order, so a page stops after 51 rows instead of sorting
every "王…". It also serves the prefix range itself, so the single-column index on real_name (and
its pattern-ops twin on PostgreSQL) go. The column keeps its "C" collation from 0002."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_roster_import'),
        ('orgs', '0003_org_autovacuum'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='real_name',
            field=models.CharField(max_length=100, verbose_name='real name'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['real_name', 'id'], name='person_name_id'),
        ),
    ]
