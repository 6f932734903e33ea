"""The lottery's draw, and anyone's check of it (docs/api.md, "Re-running a draw").

``manage.py benefits_draw``: draw every closed lottery not yet drawn (the clock does this too).
``manage.py benefits_draw CAMPAIGN_ID``: draw that one.
``manage.py benefits_draw --verify CAMPAIGN_ID``: re-run the draw from the published seed and the
frozen registration list, print the winners, and say whether they match those recorded, whether the
list's digest matches the one published, and whether the seed matches its prior commitment. Exits
with status 1 when anything differs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from smartunion.benefits.models import Campaign, CampaignKind, CampaignStatus
from smartunion.benefits.services.campaigns import lottery_draw, lottery_verify
from smartunion.core.scoping import scopes_disabled


class Command(BaseCommand):
    help = "Draw closed lotteries, or re-run a published draw with --verify CAMPAIGN_ID."

    def add_arguments(self, parser) -> None:
        parser.add_argument("campaign", nargs="?", type=int, help="Draw only this campaign.")
        parser.add_argument("--verify", type=int, metavar="CAMPAIGN_ID", help="Re-run this campaign's draw.")

    def handle(self, *args, campaign: int | None = None, verify: int | None = None, **options) -> None:
        if verify is not None:
            self._verify(verify)
            return
        with scopes_disabled():
            lotteries = Campaign.objects.filter(
                kind=CampaignKind.LOTTERY, status=CampaignStatus.CLOSED, drawn_at__isnull=True
            )
            if campaign is not None:
                lotteries = lotteries.filter(pk=campaign)
            found = list(lotteries.order_by("id"))
        if campaign is not None and not found:
            raise CommandError(f"Campaign {campaign} is not a closed lottery waiting for its draw.")
        if not found:
            self.stdout.write("No closed lottery waits for its draw.")
        for lottery in found:
            winners = lottery_draw(campaign=lottery)
            self.stdout.write(
                f"Campaign {lottery.pk} drawn: {len(winners)} winner(s): {', '.join(map(str, winners)) or '-'}"
            )

    def _verify(self, pk: int) -> None:
        with scopes_disabled():
            lottery = Campaign.objects.filter(pk=pk, kind=CampaignKind.LOTTERY).first()
        if lottery is None:
            raise CommandError(f"Campaign {pk} is not a lottery.")
        if lottery.drawn_at is None:
            raise CommandError(f"Campaign {pk} has not been drawn yet.")
        check = lottery_verify(campaign=lottery)
        self.stdout.write(f"Seed: {lottery.draw_seed}")
        self.stdout.write(f"Commitment matches the seed: {'yes' if check.commitment_matches else 'NO'}")
        self.stdout.write(f"Registration list digest matches: {'yes' if check.digest_matches else 'NO'}")
        self.stdout.write(f"Winners (registration numbers): {', '.join(map(str, check.winners)) or '-'}")
        self.stdout.write(f"Recorded winners match: {'yes' if check.winners == check.recorded else 'NO'}")
        if not check.same:
            raise CommandError("The draw does not match what was published.", returncode=1)
        self.stdout.write(self.style.SUCCESS("The draw is the same as published."))
