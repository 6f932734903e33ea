from django.core.management.base import BaseCommand, CommandError

from smartunion.core.audit import audit_verify


class Command(BaseCommand):
    help = "Walk the hash-chained audit log and name the first record that was altered, removed or reordered."

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain BROKEN at record #{result.first_bad_seq}: {result.reason}. "
                f"{result.checked} records verified before it."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.checked} records; head #{result.head_seq} {result.head_hash}"
            )
        )
