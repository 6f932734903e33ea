from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from smartunion.core import crypto
from smartunion.core.checks import HINT, field_key_mismatches
from smartunion.core.rotation import (
    Progress,
    ReencryptionFailed,
    encrypted_models,
    pending_count,
    reencrypt_model,
    verify_current,
)


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (ID numbers, mobiles, TOTP secrets) under the current key "
        "(the first in FIELD_ENCRYPTION_KEYS) and the chosen algorithm. Resumable: values already "
        "under that key and algorithm are skipped, so run it again after an interruption. Blind "
        "indexes are not changed (changing BLIND_INDEX_KEY is not supported)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--algorithm",
            choices=crypto.ALGORITHMS,
            default=None,
            help="Target algorithm (default: FIELD_ENCRYPTION_ALGORITHM, what new values are written with).",
        )
        parser.add_argument("--batch", type=int, default=5000, help="Rows per transaction (default 5000).")
        parser.add_argument(
            "--max-batches",
            type=int,
            default=None,
            help="Stop after this many batches in all (run again to continue).",
        )

    def handle(self, *args, algorithm: str | None, batch: int, max_batches: int | None, **options):
        if batch < 1 or (max_batches is not None and max_batches < 1):
            raise CommandError("--batch and --max-batches must be at least 1.")
        algorithm = algorithm or settings.FIELD_ENCRYPTION_ALGORITHM
        version = crypto.keyring().current_version
        if algorithm != settings.FIELD_ENCRYPTION_ALGORITHM:
            self.stderr.write(
                self.style.WARNING(
                    f"FIELD_ENCRYPTION_ALGORITHM is {settings.FIELD_ENCRYPTION_ALGORITHM}: values the "
                    f"application writes from now on will use it, not {algorithm}. Set "
                    f"FIELD_ENCRYPTION_ALGORITHM={algorithm} too."
                )
            )
        self.stdout.write(f"Re-encrypting under {algorithm}, key version {version}, {batch} rows a batch.")
        self._verify_skipped(algorithm=algorithm, version=version, batch=batch)

        def progress(state: Progress) -> None:
            rate = state.rewritten / state.seconds if state.seconds else 0.0
            eta = (state.pending_at_start - state.rewritten) / rate if rate else 0.0
            self.stdout.write(
                f"  {state.target.label}: {state.rewritten:,}/{state.pending_at_start:,} rows "
                f"({rate:,.0f} rows/s, ETA {eta:.0f} s)"
            )

        budget = max_batches
        total = 0
        for target in encrypted_models():
            if budget is not None and budget <= 0:
                break
            try:
                state = reencrypt_model(
                    target, algorithm=algorithm, batch=batch, max_batches=budget, progress=progress
                )
            except ReencryptionFailed as exc:
                raise CommandError(
                    f"Stopped: {exc}. Nothing of that row's batch was written; the rows before it are "
                    "done. Restore this value (from a backup, or by re-entering it) or check that its "
                    "key version is still in FIELD_ENCRYPTION_KEYS, then run reencrypt again."
                ) from exc
            total += state.values
            if budget is not None:
                budget -= state.batches
            note = (
                f", {state.changed_meanwhile} changed meanwhile and left" if state.changed_meanwhile else ""
            )
            self.stdout.write(
                f"{target.label} ({', '.join(target.fields)}): {state.values:,} values in "
                f"{state.rewritten:,} rows re-encrypted in {state.seconds:.1f} s{note}"
            )
        left = {
            t.label: n
            for t in encrypted_models()
            if (n := pending_count(t, algorithm=algorithm, version=version))
        }
        if left:
            listed = ", ".join(f"{n:,} rows of {label}" for label, n in left.items())
            self.stdout.write(
                self.style.WARNING(
                    f"{total:,} values re-encrypted; still under another key or algorithm: {listed}. "
                    "Run reencrypt again to continue."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{total:,} values re-encrypted; every value is now under {algorithm}, key version "
                    f"{version}. Keys other than {version} can leave FIELD_ENCRYPTION_KEYS once no "
                    "backup you may restore still needs them."
                )
            )

    def _verify_skipped(self, *, algorithm: str, version: str, batch: int) -> None:
        """Before writing anything: the keys must match the data (the sampled self-test), and every
        value the run will skip, already under the target, must decrypt."""
        mismatches = field_key_mismatches()
        if mismatches:
            raise CommandError(" ".join([*mismatches, "Nothing was re-encrypted.", HINT]))
        for target in encrypted_models():
            try:
                checked = verify_current(target, algorithm=algorithm, version=version, batch=batch)
            except ReencryptionFailed as exc:
                raise CommandError(
                    f"Stopped before re-encrypting anything: key version {version} cannot decrypt {exc}. Restore "
                    "this value (from a backup, or by re-entering it), then run reencrypt again."
                ) from exc
            if checked:
                self.stdout.write(
                    f"{target.label}: {checked:,} values already under {algorithm}, key version {version}, "
                    "each decrypted."
                )
