"""Give the federation administrator role the new ``figures.change`` flag in installations whose
roles were created before it existed (new installations get it from accounts.0002, which gives the
role every flag of ``PERMISSIONS``)."""

from django.db import migrations

FLAG = "figures.change"


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code="federation_admin"):
        if FLAG not in role.permissions:
            role.permissions = [*role.permissions, FLAG]
            role.save(update_fields=["permissions"])


def backwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.all():
        if FLAG in role.permissions:
            role.permissions = [flag for flag in role.permissions if flag != FLAG]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("labourlaw", "0002_beijing_figures"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
