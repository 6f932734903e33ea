"""PostgreSQL only: drop the ``varchar_pattern_ops`` twins Django adds to indexed character columns
where nothing ever searches by LIKE: the blind indexes of the ID number and the mobile (keyed
hashes, matched exactly), and the membership number (matched exactly). Each was written on every
insert for nothing: at a 100,000-row roster import they cost about a quarter of the people table's
load (bench/roster_import.py). The exact-match indexes (unique or plain) stay.

Django's later AlterField of these columns drops such an index with IF EXISTS, so this stays safe."""

from django.db import migrations

def pattern_indexes(cursor):
    cursor.execute(
        """SELECT c.relname FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           JOIN pg_class t ON t.oid = i.indrelid
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
           JOIN pg_opclass o ON o.oid = i.indclass[0]
           WHERE i.indnatts = 1 AND o.opcname = 'varchar_pattern_ops'
             AND ((t.relname = 'members_person' AND a.attname IN ('id_number_index', 'mobile_index'))
                  OR (t.relname = 'members_membership' AND a.attname = 'number'))"""
    )
    return [row[0] for row in cursor.fetchall()]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in pattern_indexes(cursor):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, field_name in (("person", "id_number_index"), ("person", "mobile_index"),
                                   ("membership", "number")):
        model = apps.get_model("members", model_name)
        sql = schema_editor._create_like_index_sql(model, model._meta.get_field(field_name))
        if sql is not None:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_person_name_id_index")]
    operations = [migrations.RunPython(forwards, backwards)]
