"""The plain contact phone column goes, once 0004 has moved its values (its own transaction, so the
rows rewritten there are committed before the table is altered)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_org_contact_phone_encrypted")]

    operations = [migrations.RemoveField(model_name="org", name="contact_phone")]
