"""HolidayOverride moves here from core (issue 8) without touching the database: this migration
creates the model in Django's state only, over the table core.0003 created, which keeps its name
(``core_holidayoverride``). core.0008 then removes the model from core's state, again without a
database operation, so a fresh install and an existing database end the same, rows kept."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    # The table exists, with every column, once core.0004 has run.
    dependencies = [("core", "0004_holidayoverride_notice_year")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HolidayOverride",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(unique=True)),
                        ("is_workday", models.BooleanField()),
                        ("note", models.CharField(blank=True, max_length=200)),
                        ("notice_year", models.PositiveSmallIntegerField(blank=True, db_index=True, null=True)),
                    ],
                    options={"db_table": "core_holidayoverride"},
                ),
            ],
            database_operations=[],
        ),
    ]
