"""A logging filter that keeps personal data and secrets out of the logs."""

from __future__ import annotations

import logging
import re

# Mainland mobile numbers, resident ID numbers, bearer tokens and password fields.
_PATTERNS = [
    (re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)"), r"\1****\2"),
    (re.compile(r"(?<![\dA-Z])(\d{6})\d{8}(\d{3}[\dX])(?![\dA-Z])"), r"\1********\2"),
    (re.compile(r"(?i)(bearer\s+)[\w\-.]+"), r"\1[redacted]"),
    (re.compile(r"(?i)(password|otp|token|secret)=([^&\s]+)"), r"\1=[redacted]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
