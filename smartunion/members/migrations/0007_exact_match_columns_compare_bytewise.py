"""PostgreSQL only: the blind indexes of the ID number and the mobile (hex digests of keyed hashes)
and the membership number (zero-padded digits) compare bytewise, in the "C" collation. They are only
ever matched exactly, where every collation agrees, and their order never shows (a digit string sorts
the same either way); but the database's default collation compares through strcoll, which costs
each insert and each bulk lookup. A 100,000-row roster import's people load with about a tenth less
server time (bench/roster_import.py, decision 0007). Same pattern as 0002 for ``real_name``.

Changing a column's collation rebuilds its indexes: the migration holds the tables' locks meanwhile
(seconds at a million people). A later AlterField of these columns must keep the collation."""

from django.db import migrations

COLUMNS = (
    ("members_person", "id_number_index", "varchar(64)"),
    ("members_person", "mobile_index", "varchar(64)"),
    ("members_membership", "number", "varchar(20)"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column, kind in COLUMNS:
            schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE {kind} COLLATE "C"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column, kind in COLUMNS:
            schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE {kind} COLLATE "default"')


class Migration(migrations.Migration):
    dependencies = [("members", "0006_org_index_in_the_composite_only")]
    operations = [migrations.RunPython(forwards, backwards)]
