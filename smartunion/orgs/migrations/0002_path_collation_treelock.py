"""Materialized paths compare bytewise: on PostgreSQL the column uses the "C" collation so that the
subtree range scan (path >= p AND path < p') is correct and uses the index whatever the database's
default collation. SQLite compares bytewise already."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE orgs_org ALTER COLUMN path TYPE varchar(255) COLLATE "C"')
    apps.get_model("orgs", "TreeLock").objects.get_or_create(pk=1)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orgs_org ALTER COLUMN path TYPE varchar(255)")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
