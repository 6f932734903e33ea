"""InboxMessage now belongs to the notifications app (issue 8): forget it in core's state only. The
table stays, under its old name, and notifications.0001 has taken it over first."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0008_holidayoverride_moves_to_holidays"), ("notifications", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="InboxMessage")],
            database_operations=[],
        ),
    ]
