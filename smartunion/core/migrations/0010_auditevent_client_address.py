"""The audit record's ``address`` column becomes ``client_address``, as in sign-in failures and
one-time codes (accounts 0006). A rename only: no record is rewritten (the append-only trigger
refuses UPDATE; a renamed column fires no trigger), and the chain still hashes the value under its
canonical key ``address`` (core/audit.py), so every hash written before verifies."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_inboxmessage_moves_to_notifications"),
    ]

    operations = [
        migrations.RenameField(model_name="auditevent", old_name="address", new_name="client_address"),
    ]
