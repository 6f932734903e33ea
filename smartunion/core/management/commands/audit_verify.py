import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smartunion.core.audit import ExportedHead, audit_verify, chain_algorithm, seal_unkeyed_chain

UNVOUCHED_HINT = (
    " If a server still running older code wrote it during an upgrade (within a day of the upgrade's "
    "re-key record), run `audit_verify --rekey` once the upgraded server has written a newer record; "
    "--rekey vouches for nothing else, and such a record was otherwise altered."
)


def _read_head(path: str) -> ExportedHead:
    try:
        raw = json.loads(Path(path).read_text())
        return ExportedHead(seq=int(raw["seq"]), hash=str(raw["hash"]))
    except OSError as exc:
        raise CommandError(f"Cannot read the exported head {path}: {exc.strerror}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"{path} is not an exported audit head (expected JSON with seq and hash)") from exc


def _write_head(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text)
        os.replace(partial, target)  # a reader never sees half a file
    except OSError as exc:
        raise CommandError(f"Cannot write the head to {path}: {exc.strerror}") from exc


class Command(BaseCommand):
    help = (
        "Walk the keyed hash-chained audit log and name the first record that was altered, removed or "
        "reordered. --head checks the chain still reaches a head exported earlier; --export-head writes "
        "today's head (sequence number, hash, time) for the next check."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            metavar="FILE",
            help="a head written by --export-head: fail also when the chain ends before it or differs there",
        )
        parser.add_argument(
            "--export-head",
            metavar="FILE",
            help="after a successful check, write the head to FILE ('-' for standard output)",
        )
        parser.add_argument(
            "--rekey",
            action="store_true",
            help="first vouch, with one keyed re-key record, for records written without AUDIT_CHAIN_KEY "
            "that a keyed record follows (an upgrade from an unkeyed version)",
        )

    def handle(self, *args, **options):
        head = _read_head(options["head"]) if options["head"] else None
        if options["rekey"]:
            rekey_seq = seal_unkeyed_chain(stragglers_only=True)
            self.stderr.write(
                f"Re-key record #{rekey_seq} vouches for the records written without AUDIT_CHAIN_KEY."
                if rekey_seq
                else "Nothing to re-key."
            )
        result = audit_verify(head=head)
        if not result.ok:
            hint = UNVOUCHED_HINT if "no re-key record vouches" in result.reason else ""
            raise CommandError(
                f"Audit chain BROKEN at record #{result.first_bad_seq}: {result.reason}. "
                f"{result.checked} records verified before it.{hint}"
            )
        message = f"Audit chain intact: {result.checked} records; head #{result.head_seq} {result.head_hash}"
        if head is not None:
            message += f"; reaches the exported head #{head.seq}"
        export = options["export_head"]
        if export:
            exported = {
                "seq": result.head_seq,
                "hash": result.head_hash,
                "at": result.head_at.isoformat() if result.head_at else None,
                "exported_at": timezone.now().isoformat(),
                "algorithm": chain_algorithm(),
            }
            _write_head(export, json.dumps(exported, indent=2) + "\n")
        out = self.stderr if export == "-" else self.stdout
        out.write(self.style.SUCCESS(message))
