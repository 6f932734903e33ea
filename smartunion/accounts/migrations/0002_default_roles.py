from django.db import migrations


def forwards(apps, schema_editor):
    from smartunion.accounts.permissions import DEFAULT_ROLES

    Role = apps.get_model("accounts", "Role")
    for code, (name, flags, description) in DEFAULT_ROLES.items():
        Role.objects.update_or_create(code=code, defaults={"name": name, "permissions": flags, "description": description})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
