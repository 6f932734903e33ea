"""The client's network address is called ``client_address`` wherever it is stored (sign-in
failures, one-time codes, the audit log: core 0010), as the services already call it.

In the database, a rename of the column and of its index: no data moves and no index is rebuilt
(the index follows its column). The migration state drops and re-adds the index instead, because a
renamed field does not rename the fields an ``Index`` lists."""

from django.db import migrations, models

RENAMES = [
    ("onetimecode", "accounts_on_address_9413dd_idx", "accounts_on_client__113ff7_idx"),
    ("signinfailure", "accounts_si_address_cad1f5_idx", "accounts_si_client__51d250_idx"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_signin_failure_account_cleared"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The index first: SQLite renames an index by creating it anew, from the fields the
            # migration state lists, which still name ``address`` until the state operations run.
            database_operations=[
                *(
                    migrations.RenameIndex(model_name=model, new_name=new, old_name=old)
                    for model, old, new in RENAMES
                ),
                *(
                    migrations.RenameField(model_name=model, old_name="address", new_name="client_address")
                    for model, _old, _new in RENAMES
                ),
            ],
            state_operations=[
                *(migrations.RemoveIndex(model_name=model, name=old) for model, old, _new in RENAMES),
                *(
                    migrations.RenameField(model_name=model, old_name="address", new_name="client_address")
                    for model, _old, _new in RENAMES
                ),
                *(
                    migrations.AddIndex(
                        model_name=model, index=models.Index(fields=["client_address", "created_at"], name=new)
                    )
                    for model, _old, new in RENAMES
                ),
            ],
        ),
    ]
