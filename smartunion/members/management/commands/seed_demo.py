"""``manage.py seed_demo``: the demo federation (``orgs.demo``), then its members (``members.demo``),
then the steps of the apps above members (``members.demo.DEMO_STEPS``: the cases).

The command lives in ``members``, the one domain app allowed to import both halves (members sits
above orgs in the layers, docs/architecture.md): in ``orgs`` it made orgs import members. A domain
above members with demo data of its own (cases, later benefits) must not be imported from here, so
it adds its step to ``members.demo.DEMO_STEPS`` in its ``AppConfig.ready`` (``cases/apps.py``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from smartunion.members import demo as members_demo
from smartunion.orgs import demo


class Command(BaseCommand):
    help = (
        "Build the demo federation (a Beijing-shaped tree, enterprises, one staff account per role, "
        "members with generated personal data) deterministically from a seed. A second run changes "
        "nothing and prints the accounts again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=list(demo.SCALES),
            default="small",
            help=(
                "small: ~600 grassroots unions, 3,000 members; medium: ~6,000 unions, 100,000 members; "
                "large: the medium tree with 1,000,000 members (PostgreSQL only); tiny: 48 unions, "
                "300 members, for quick local checks."
            ),
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Seed of the generator.")
        parser.add_argument(
            "--members",
            type=int,
            help="Number of members instead of the scale's (for benchmarks and tests).",
        )

    def handle(self, *args, scale: str, seed: int, members: int | None = None, verbosity: int = 1, **options):
        if settings.PRODUCTION:
            # The demo passwords and TOTP secrets are reproducible from the seed: never in production.
            raise CommandError("seed_demo refuses to run with SMARTUNION_ENV=production.")
        if scale == "large" and connection.vendor != "postgresql":
            raise CommandError(
                "--scale large (1,000,000 members) needs PostgreSQL: set DATABASE_URL to a PostgreSQL "
                "database (see docs/deploy.md). On SQLite use --scale small or medium."
            )
        if members is not None and members < 0:
            raise CommandError("--members must be 0 or more.")
        started = time.monotonic()
        loud = verbosity >= 2 or (verbosity >= 1 and scale in ("medium", "large"))

        def progress(message: str) -> None:
            if loud:
                self.stderr.write(f"  {message} ({time.monotonic() - started:.1f} s)")

        last_report = [0.0]

        def member_progress(done: int, total: int, seconds: float) -> None:
            # Every few seconds and at the end: rows per second and the time still to go.
            if not loud or (done < total and seconds - last_report[0] < 5):
                return
            last_report[0] = seconds
            rate = done / seconds if seconds else 0.0
            eta = (total - done) / rate if rate else 0.0
            self.stderr.write(
                f"  members: {done:,}/{total:,} ({100 * done / total:.0f} %), {rate:,.0f} rows/s, "
                f"ETA {eta:.0f} s ({time.monotonic() - started:.1f} s)"
            )

        try:
            result = demo.seed_demo(scale=scale, seed=seed, progress=progress)
        except demo.AlreadyHasATree as exc:
            raise CommandError(str(exc)) from exc
        seeded = members_demo.seed_members(
            scale=result.scale, seed=result.seed, count=members, progress=member_progress
        )
        steps = [
            step(scale=result.scale, seed=result.seed, progress=progress) for step in members_demo.DEMO_STEPS
        ]
        path = demo.write_accounts_json(result.staff, result.workers)
        counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
        if result.created:
            status = f"Demo federation built (scale {result.scale}, seed {result.seed}): {counts}"
        else:
            status = (
                f"Demo federation already seeded (scale {result.scale}, seed {result.seed}); nothing changed."
            )
        member_counts = ", ".join(f"{v:,} {k}" for k, v in seeded.counts.items())
        if seeded.created:
            member_status = f"Members added in {seeded.seconds:.1f} s: {member_counts}"
        else:
            member_status = f"Members already seeded: {member_counts}"
        self.stdout.write(demo.accounts_table(result.staff, result.workers))
        self.stdout.write("")
        self.stdout.write(member_status)
        for step_result in steps:
            self.stdout.write(step_result.summary)
        self.stdout.write(self.style.SUCCESS(f"{status} ({time.monotonic() - started:.1f} s)"))
        self.stdout.write(f"Accounts written to {path}")
