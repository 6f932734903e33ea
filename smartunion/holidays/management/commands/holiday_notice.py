"""Enter a year's State Council holiday notice from a text file, in the console form's format (one
line per holiday: ``春节 2027-02-06 至 2027-02-13 上班 2027-02-14 2027-02-20``)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartunion.core.errors import DomainError
from smartunion.holidays.services import holiday_notice_check, holiday_notice_enter


class Command(BaseCommand):
    help = (
        "Enter a year's State Council holiday notice from a UTF-8 text file (one line per holiday, as on "
        "the console's notice form). Written all at once and audited as done by 'system'."
    )
    # BaseCommand has no stdin of its own; call_command(..., stdin=StringIO(...)) in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("year", help="The year the notice is for (this year or the next).")
        parser.add_argument("file", help="The text file; '-' reads standard input.")
        parser.add_argument("--check", action="store_true", help="Only check the file and list its dates.")

    def handle(self, *args, year: str, file: str, check: bool = False, **options):
        try:
            stdin = options.get("stdin") or sys.stdin
            text = stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            if check:
                _year, days = holiday_notice_check(year=year, text=text)
                for day in days:
                    kind = "working day" if day.is_workday else "day off"
                    self.stdout.write(f"{day.day.isoformat()}  {kind:<11}  {day.name}")
                self.stdout.write(f"{len(days)} dates; nothing written (--check).")
                return
            # Run by the operator on the server: system work, no console user to check.
            change = holiday_notice_enter(actor=None, year=year, text=text, client_address="")
        except DomainError as exc:
            problems = [m for messages in exc.fields.values() for m in messages] or [exc.message]
            raise CommandError("\n".join(problems)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"The {year} notice was entered: {len(change.overrides)} dates; "
                f"{change.deadlines_moved} open applications' deadlines recounted."
            )
        )
