"""Move an audit chain begun before AUDIT_CHAIN_KEY existed to the keyed form: one keyed re-key
record (``audit.rekey``) is appended that vouches for the unkeyed records before it. They keep
their plain SHA-256 hashes and still verify; from the re-key record on, every hash is keyed. An
empty chain (a new installation) is keyed from its first record and gets no re-key record. See
docs/security.md, "Audit"."""

from django.db import migrations


def forwards(apps, schema_editor):
    from smartunion.core.audit import seal_unkeyed_chain

    seal_unkeyed_chain(
        event_model=apps.get_model("core", "AuditEvent"), head_model=apps.get_model("core", "AuditChainHead")
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_calendar_permission")]
    # Backwards: nothing to undo; the re-key record stays (the log is append-only) and verifies.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
