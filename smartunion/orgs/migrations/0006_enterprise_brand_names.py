"""Enterprises get brand names and aliases, which the enterprise searches look in (issue 7, item 18)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_remove_org_contact_phone"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="brand_names",
            field=models.CharField(
                blank=True,
                help_text="The names workers know it by, separated by commas: 美团, 美团外卖.",
                max_length=300,
                verbose_name="brand names and aliases",
            ),
        ),
    ]
