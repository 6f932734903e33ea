"""HolidayOverride now belongs to the holidays app (issue 8): forget it in core's state only. The
table stays, under its old name, and holidays.0001 has taken it over first."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0007_ratelimithit"), ("holidays", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HolidayOverride")],
            database_operations=[],
        ),
    ]
