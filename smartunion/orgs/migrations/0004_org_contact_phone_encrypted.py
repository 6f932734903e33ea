"""Organisation contact phones move to an encrypted column (issue 7, item 5).

A contact phone is often the contact person's own mobile: personal data, kept like a member's
mobile (core.crypto). Each stored value is normalised on the way (a mobile written
``0086 138 0013 0008`` or ``138.0013.0007`` becomes its 11 digits; a landline stays as entered),
encrypted under the current key; 0005 drops the plain column. Going back decrypts.
"""

from django.db import migrations, models

from smartunion.core import crypto
from smartunion.core.personal import normalise_contact_phone


BATCH = 1000


def _rewrite(apps, source: str, target: str, convert) -> None:
    Org = apps.get_model("orgs", "Org")
    rows = Org._base_manager.exclude(**{source: ""}).order_by("pk").values_list("pk", source)
    batch = []
    for pk, value in rows.iterator(chunk_size=BATCH):
        batch.append(Org(pk=pk, **{target: convert(value)}))
        if len(batch) == BATCH:
            Org._base_manager.bulk_update(batch, [target])
            batch = []
    Org._base_manager.bulk_update(batch, [target])


def _encrypted(phone: str) -> str:
    phone = normalise_contact_phone(phone)
    return crypto.encrypt(phone) if phone else ""


def encrypt_phones(apps, schema_editor):
    _rewrite(apps, "contact_phone", "contact_phone_encrypted", _encrypted)


def decrypt_phones(apps, schema_editor):
    _rewrite(apps, "contact_phone_encrypted", "contact_phone", lambda stored: crypto.decrypt(stored)[:30])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_org_autovacuum")]

    operations = [
        migrations.AddField(
            model_name="org",
            name="contact_phone_encrypted",
            field=models.TextField(blank=True, default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones, elidable=False),
    ]
