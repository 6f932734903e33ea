"""Regional figures the statutory calculator needs: a region's monthly minimum wage and its
published average monthly wage, each row in force from a date (DOMAIN.md: figures set by a province
or city are data an administrator sets per region, never a constant in code).

A row belongs to the whole installation, not to a subtree of the organisation tree: it is what the
law says for a region, whoever asks (``labourlaw.policies``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionalFigure(models.Model):
    """The figures of one region (a GB/T 2260 division code: ``110000`` is the whole of Beijing)
    from ``effective_from`` until the next row of the same region. Written only by
    ``labourlaw.services``; read by ``labourlaw.selectors.regional_figure_for`` (the row whose code
    is the longest prefix of the asked code, in force on the date)."""

    region_code = models.CharField(_("division code"), max_length=12, db_index=True)
    effective_from = models.DateField(_("in force from"))
    # 劳动争议调解仲裁法 第四十七条 (final awards) and 劳动合同法实施条例 第二十七条 (the floor of the
    # compensation wage): the monthly minimum wage of the region.
    minimum_wage = models.DecimalField(_("monthly minimum wage"), max_digits=10, decimal_places=2)
    # 劳动合同法 第四十七条: the average monthly wage of workers of the region in the previous year,
    # published by the city government; three times it caps the compensation wage.
    average_wage = models.DecimalField(
        _("average monthly wage"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=500)
    source_date = models.DateField(_("date of the source"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("region_code", "-effective_from")
        constraints = [
            models.UniqueConstraint(
                fields=("region_code", "effective_from"), name="regional_figure_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.effective_from.isoformat()}"

    def audit_repr(self) -> str:
        return str(self)
