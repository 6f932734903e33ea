"""Give the default roles the case flags added with issue 9 in installations whose roles were created
before them (new installations get them from accounts.0002's DEFAULT_ROLES): ``cases.view`` to the
federation administrator and union staff, ``cases.route`` to the federation administrator."""

from django.db import migrations

GRANTS = {"federation_admin": ["cases.view", "cases.route"], "union_staff": ["cases.view"]}


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code__in=GRANTS):
        missing = [flag for flag in GRANTS[role.code] if flag not in role.permissions]
        if missing:
            role.permissions = [*role.permissions, *missing]
            role.save(update_fields=["permissions"])


def backwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.all():
        kept = [flag for flag in role.permissions if flag not in ("cases.view", "cases.route")]
        if kept != role.permissions:
            role.permissions = kept
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
