"""Rebuild the Redis claim counters from the database (the truth), after Redis lost its data or
for a campaign whose counters are suspect: ``manage.py benefits_reconcile [--campaign ID ...]``.

With the database backend (``BENEFITS_CLAIM_BACKEND=auto``) there is nothing to rebuild. Claims may
go on meanwhile: the database's constraints hold whatever the counters say."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from smartunion.benefits.services import claims


class Command(BaseCommand):
    help = "Rebuild the Redis claim counters of the campaigns taking claims from the database."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--campaign", type=int, action="append", dest="campaigns", help="Only this campaign (repeat)."
        )

    def handle(self, *args, campaigns: list[int] | None = None, **options) -> None:
        backend = claims.backend()
        if not isinstance(backend, claims.RedisClaims):
            self.stdout.write(
                f"The claim backend is {backend.name}: the database holds the counts, nothing to rebuild."
            )
            return
        rebuilt = claims.reconcile(campaign_ids=campaigns)
        if not rebuilt:
            self.stdout.write("No campaign takes claims: nothing to rebuild.")
            return
        for campaign_id in rebuilt:
            self.stdout.write(f"Rebuilt the counters of campaign {campaign_id} from the database.")
        self.stdout.write(self.style.SUCCESS(f"{len(rebuilt)} campaign(s) rebuilt."))
