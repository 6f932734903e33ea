"""The working-day calendar's one table: an administrator's corrections to the national calendar.

The model moved here from ``core`` (issue 8; docs/decisions/0016-layers.md)
without touching the database: its table keeps the name ``core_holidayoverride``.
"""

from __future__ import annotations

from django.db import models


class HolidayOverride(models.Model):
    """An administrator's correction to the national holiday calendar (a new year's notice, a
    local holiday): this date is a working day or a rest day. Written only by ``holidays.services``.

    ``notice_year`` marks the rows entered together as the State Council's notice for that year: a
    year the package does not know counts as entered once such rows exist (``holidays.selectors``)."""

    date = models.DateField(unique=True)
    is_workday = models.BooleanField()
    note = models.CharField(max_length=200, blank=True)
    notice_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        db_table = "core_holidayoverride"

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'}"

    def audit_repr(self) -> str:
        return str(self)
