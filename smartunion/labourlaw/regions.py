"""Division codes as prefixes: ``110000`` (Beijing) stands for every code starting ``11``,
``110100`` for every code starting ``1101`` (GB/T 2260 pads a higher level with zeros)."""

from __future__ import annotations

# The lengths of the levels of a division code: province, city, county, street, village.
LEVELS = (2, 4, 6, 9, 12)


def significant_prefix(code: str) -> str:
    """The part of ``code`` that names its region: its shortest level after which only zeros
    follow (``110000`` → ``11``, ``110105`` → ``110105``, ``110105001000`` → ``110105001``)."""
    for length in LEVELS:
        if length <= len(code) and set(code[length:]) <= {"0"}:
            return code[:length]
    return code


def covers(region_code: str, code: str) -> bool:
    """Does the region ``region_code`` include ``code`` (itself included)?"""
    return code.startswith(significant_prefix(region_code))
