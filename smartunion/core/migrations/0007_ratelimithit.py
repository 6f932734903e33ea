from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_chain_rekey")]

    operations = [
        migrations.CreateModel(
            name="RateLimitHit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=120)),
                ("created_at", models.DateTimeField(db_index=True)),
            ],
            options={"indexes": [models.Index(fields=["key", "created_at"], name="core_rateli_key_6e6d86_idx")]},
        ),
    ]
