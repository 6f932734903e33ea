"""Name-prefix search uses the index on ``real_name``: on PostgreSQL the column compares bytewise
("C" collation) so that LIKE 'prefix%' is an index range scan. Seeds the occupation tags (data:
administrators add more)."""

from django.db import migrations

TAGS = [
    ("sanitation", "环卫工人"),
    ("outdoor", "户外劳动者"),
    ("courier", "快递员"),
    ("delivery_rider", "外卖送餐员"),
    ("driver", "网约车司机"),
    ("truck_driver", "货车司机"),
    ("domestic", "家政服务员"),
    ("security_guard", "保安员"),
    ("construction", "建筑工人"),
    ("model_worker", "劳动模范"),
    ("craftsman", "工匠人才"),
    ("hardship", "困难职工"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE members_person ALTER COLUMN real_name TYPE varchar(100) COLLATE "C"')
    OccupationTag = apps.get_model("members", "OccupationTag")
    for code, name in TAGS:
        OccupationTag.objects.get_or_create(code=code, defaults={"name": name})


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_person ALTER COLUMN real_name TYPE varchar(100)")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
