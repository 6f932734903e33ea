"""Give the default roles the benefits flags added with issue 10 in installations whose roles were
created before them (new installations get them from accounts.0002's DEFAULT_ROLES), and seed the
service catalogue's categories (data: more can be added without a schema change)."""

from django.db import migrations

FLAGS = ["benefits.view", "benefits.manage", "benefits.settle"]
GRANTS = {"federation_admin": FLAGS, "union_staff": FLAGS}
CATEGORIES = [
    ("dining", "餐饮美食"),
    ("transport", "交通出行"),
    ("online_education", "在线教育"),
    ("performances", "文艺演出"),
    ("sports", "运动健身"),
    ("health", "医疗健康"),
    ("more", "更多服务"),
]


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=GRANTS):
        missing = [flag for flag in GRANTS[role.code] if flag not in role.permissions]
        if missing:
            role.permissions = [*role.permissions, *missing]
            role.save(update_fields=["permissions"])
    Category = apps.get_model("benefits", "ServiceCategory")
    for position, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def backwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.all():
        kept = [flag for flag in role.permissions if flag not in FLAGS]
        if kept != role.permissions:
            role.permissions = kept
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
