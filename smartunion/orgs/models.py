"""The organisation tree and the enterprises it covers.

The tree is a materialized path (docs/decisions/0001-org-tree-materialized-path.md): each node's ``path`` is its
parent's path plus a fixed-width step of PATH_STEP base-36 characters (``core.tree``), so a subtree is one index
range scan and a move is one UPDATE of the moved rows. Writes take the TreeLock row, so concurrent
moves and inserts are serialized.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartunion.core import crypto
from smartunion.core.personal import mask_phone
from smartunion.core.scoping import ScopedManager
from smartunion.core.tree import PATH_MAX_LENGTH, ancestor_paths


class OrgKind(models.TextChoices):
    NATIONAL_FEDERATION = "national_federation", _("National federation")
    PROVINCIAL_FEDERATION = "provincial_federation", _("Provincial federation")
    CITY_FEDERATION = "city_federation", _("City federation")
    DISTRICT_UNION = "district_union", _("District union")
    STREET_UNION = "street_union", _("Street or township union")
    INDUSTRY_UNION = "industry_union", _("Industry union")
    ENTERPRISE_UNION = "enterprise_union", _("Enterprise union")
    JOINT_UNION = "joint_union", _("Joint union")
    MEDIATION_CENTRE = "mediation_centre", _("Labour-dispute mediation centre")
    LEGAL_SERVICE_CENTRE = "legal_service_centre", _("Legal-service centre")
    UNION_STATION = "union_station", _("Union station")


FEDERATION_KINDS = frozenset(
    {OrgKind.NATIONAL_FEDERATION, OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION}
)
GRASSROOTS_KINDS = frozenset({OrgKind.ENTERPRISE_UNION, OrgKind.JOINT_UNION})
SERVICE_KINDS = frozenset({OrgKind.MEDIATION_CENTRE, OrgKind.LEGAL_SERVICE_CENTRE, OrgKind.UNION_STATION})


class Org(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=PATH_MAX_LENGTH, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    child_seq = models.PositiveIntegerField(default=0, editable=False)
    numchild = models.PositiveIntegerField(default=0, editable=False)
    region_code = models.CharField(_("division code"), max_length=12, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    # The contact phone is often the contact person's own mobile: personal data, encrypted like a
    # member's mobile (core.crypto). Written only by the services, read through contact_phone.
    contact_phone_encrypted = models.TextField(blank=True, editable=False)
    accepts_direct_joining = models.BooleanField(
        _("accepts direct joining"),
        default=False,
        help_text=_("Gig and platform workers, and workers whose employer has no union, may join here."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager("")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["name"]), models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_phone(self) -> str:
        """As stored: a mobile as its 11 digits, an office landline as entered."""
        return crypto.decrypt(self.contact_phone_encrypted) if self.contact_phone_encrypted else ""

    @property
    def contact_phone_masked(self) -> str:
        """As every page and the API show it: a mobile masked (139****0001), a landline in full."""
        return mask_phone(self.contact_phone)

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def is_service_body(self) -> bool:
        return self.kind in SERVICE_KINDS

    def ancestor_paths(self) -> list[str]:
        return ancestor_paths(self.path)

    def audit_org(self) -> Org:
        """An org's audit records are filed under the org itself (``core.audit``)."""
        return self


class TreeLock(models.Model):
    """One row; every tree write locks it so moves and inserts are serialized."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)


class IndustrySection(models.TextChoices):
    # GB/T 4754-2017 sections
    A = "A", _("A Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("B Mining")
    C = "C", _("C Manufacturing")
    D = "D", _("D Electricity, heat, gas and water")
    E = "E", _("E Construction")
    F = "F", _("F Wholesale and retail")
    G = "G", _("G Transport, storage and post")
    H = "H", _("H Accommodation and catering")
    I = "I", _("I Information transmission, software and IT services")  # noqa: E741
    J = "J", _("J Finance")
    K = "K", _("K Real estate")
    L = "L", _("L Leasing and business services")
    M = "M", _("M Scientific research and technical services")
    N = "N", _("N Water, environment and public facilities management")
    O = "O", _("O Resident services, repair and other services")  # noqa: E741
    P = "P", _("P Education")
    Q = "Q", _("Q Health and social work")
    R = "R", _("R Culture, sports and entertainment")
    S = "S", _("S Public administration, social security and social organisations")
    T = "T", _("T International organisations")


# Brand names are stored one string, joined with this (it is how a Chinese list is written).
BRAND_SEPARATOR = "、"


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region_code = models.CharField(_("division code"), max_length=12, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    industry = models.CharField(_("industry"), max_length=1, choices=IndustrySection.choices)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    # Workers know a platform by its brand (美团, 饿了么, 滴滴, 顺丰), not by the legal name on its
    # licence: the enterprise searches look here as well as in the name.
    brand_names = models.CharField(
        _("brand names and aliases"),
        max_length=300,
        blank=True,
        help_text=_("The names workers know it by, separated by commas: 美团, 美团外卖."),
    )
    is_platform = models.BooleanField(
        _("platform company"),
        default=False,
        help_text=_("Delivery, ride-hailing and other platform companies."),
    )
    org = models.ForeignKey(
        Org,
        verbose_name=_("responsible union"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        help_text=_("The union node that keeps this enterprise's record."),
    )
    covering_union = models.ForeignKey(
        Org,
        verbose_name=_("grassroots union"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_enterprises",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager("org", "covering_union")

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def brand_name_list(self) -> list[str]:
        return [name for name in self.brand_names.split(BRAND_SEPARATOR) if name]
