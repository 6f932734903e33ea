"""Text-message (SMS) senders, chosen by the ``OTP_SENDER`` setting (a dotted class path): they carry
one-time codes and short notices. The local backend writes the code to the log (development only); an SMS
gateway's backend implements the same ``send``. Called through ``notifications.services``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from smartunion.core.personal import mask_mobile

logger = logging.getLogger("smartunion.otp")

# The last code per mobile, kept in memory by the log sender so tests and the demo can read it.
OUTBOX: dict[str, str] = {}
# The last text messages per mobile (newest last, at most 20 each), likewise.
TEXT_OUTBOX: dict[str, list[str]] = {}


class LogSender:
    def send(self, mobile: str, code: str) -> None:
        OUTBOX[mobile] = code
        # The code is meant to be read here in development; the mobile is still masked.
        logger.warning("One-time code for %s: %s", mask_mobile(mobile), code)

    def send_text(self, mobile: str, text: str) -> None:
        """A notice (a case moved on): the text carries no personal data beyond a case number."""
        TEXT_OUTBOX.setdefault(mobile, []).append(text)
        del TEXT_OUTBOX[mobile][:-20]
        logger.info("Text message to %s: %s", mask_mobile(mobile), text)


def get_sender():
    return import_string(settings.OTP_SENDER)()
