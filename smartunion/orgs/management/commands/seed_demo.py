from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from smartunion.orgs import demo


class Command(BaseCommand):
    help = (
        "Build the demo federation (a Beijing-shaped tree, enterprises, one staff account per role) "
        "deterministically from a seed. A second run changes nothing and prints the accounts again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=list(demo.SCALES),
            default="small",
            help="small: ~600 grassroots unions; medium: ~6,000; tiny: 48, for quick local checks.",
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Seed of the generator.")

    def handle(self, *args, scale: str, seed: int, verbosity: int = 1, **options):
        if settings.PRODUCTION:
            # The demo passwords and TOTP secrets are reproducible from the seed: never in production.
            raise CommandError("seed_demo refuses to run with SMARTUNION_ENV=production.")
        started = time.monotonic()

        def progress(message: str) -> None:
            if verbosity >= 2 or (verbosity >= 1 and scale == "medium"):
                self.stderr.write(f"  {message} ({time.monotonic() - started:.1f} s)")

        try:
            result = demo.seed_demo(scale=scale, seed=seed, progress=progress)
        except demo.AlreadyHasATree as exc:
            raise CommandError(str(exc)) from exc
        path = demo.write_accounts_json(result.staff, result.workers)
        counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
        if result.created:
            status = f"Demo federation built (scale {result.scale}, seed {result.seed}): {counts}"
        else:
            status = (
                f"Demo federation already seeded (scale {result.scale}, seed {result.seed}); nothing changed."
            )
        self.stdout.write(demo.accounts_table(result.staff, result.workers))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"{status} ({time.monotonic() - started:.1f} s)"))
        self.stdout.write(f"Accounts written to {path}")
