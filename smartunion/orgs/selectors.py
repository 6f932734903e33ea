"""Reads of the tree and the enterprise register. Everything goes through the scoped managers:
rows outside the active scope do not exist here, so the ends turn a miss into 404."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartunion.core.errors import NotFound
from smartunion.core.scoping import current_scope, scopes_disabled
from smartunion.core.tree import ancestor_paths, subtree_q
from smartunion.orgs.models import GRASSROOTS_KINDS, Enterprise, Org, OrgKind
from smartunion.orgs.policies import can_view_org
from smartunion.orgs.services import kind_fits_under

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def org_get(*, pk) -> Org:
    try:
        return Org.objects.select_related("parent").get(pk=int(pk))
    except (Org.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This organisation does not exist.")) from None


def org_roots_for_scope() -> QuerySet[Org]:
    """The top nodes a staff member sees: the roots of their visible subtrees."""
    active = current_scope()
    if active is not None and active.unrestricted:
        return Org.objects.filter(depth=1).order_by("path")
    prefixes = active.prefixes if active else ()
    return Org.objects.filter(path__in=prefixes).order_by("path")


def org_search(*, q: str = "", parent: Org | None = None, kind: str = "") -> QuerySet[Org]:
    """By name (contains) or division code (prefix); ``parent`` limits to its subtree."""
    qs = Org.objects.select_related("parent").order_by("path")
    q = (q or "").strip()
    if q:
        qs = qs.filter(region_code__startswith=q) if q.isdigit() else qs.filter(name__icontains=q)
    if parent is not None:
        qs = qs.filter(subtree_q(parent.path)).exclude(pk=parent.pk)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def org_move_candidates(*, org: Org, q: str, limit: int) -> list[Org]:
    """New parents to offer ``org`` among the active scope's orgs matching ``q``: of a kind the node
    may stand under (never a service body), and never the node itself, one of its own branches or
    its present parent. The move service refuses these anyway; the picker just does not offer them."""
    parent_kinds = [kind for kind in OrgKind.values if kind_fits_under(org.kind, kind)]
    qs = org_search(q=q).filter(kind__in=parent_kinds).exclude(subtree_q(org.path))
    if org.parent_id is not None:
        qs = qs.exclude(pk=org.parent_id)
    return list(qs[:limit])


def org_pick_choices(*, q: str, grassroots: bool, limit: int) -> list[Org]:
    """An organisation picker's choices in the active scope: the orgs matching ``q``, or before
    anything is typed the scope's top nodes; only grassroots unions when ``grassroots``."""
    orgs = org_search(q=q) if q else org_roots_for_scope()
    if grassroots:
        orgs = orgs.filter(kind__in=GRASSROOTS_KINDS)
    return list(orgs[:limit])


def org_children(*, parent: Org) -> QuerySet[Org]:
    return Org.objects.filter(parent=parent).order_by("name", "pk")


def org_ancestors(*, org: Org) -> list[Org]:
    """Breadcrumb: only the ancestors the viewer may see."""
    paths = org.ancestor_paths()[:-1]
    by_path = {o.path: o for o in Org.objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]


def enterprise_get(*, pk) -> Enterprise:
    try:
        return Enterprise.objects.select_related("org", "covering_union").get(pk=int(pk))
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This enterprise does not exist.")) from None


def union_may_be_named(*, viewer, union: Org | None) -> bool:
    """May ``viewer`` see which union ``union`` is (its name, a link to it)? Only if they may open it
    (``can_view_org``), the organisation tree's own rule. The one rule for a union reached through
    another record: an enterprise is in scope through either of its two unions, so the other one may lie
    where the viewer may not look. The console then shows "—", the API ``{"id": null, "name":
    null}``."""
    return union is not None and can_view_org(viewer, union)


def enterprises_name_unions(*, viewer, enterprises) -> None:
    """Mark on each enterprise whether ``viewer`` may see its responsible union (``org_visible``)
    and its covering union (``covering_union_visible``) named (``union_may_be_named``)."""
    for enterprise in enterprises:
        enterprise.org_visible = union_may_be_named(viewer=viewer, union=enterprise.org)
        enterprise.covering_union_visible = union_may_be_named(viewer=viewer, union=enterprise.covering_union)


def _name_or_brand(q: str) -> Q:
    """An enterprise whose name or one of whose brand names (美团, 饿了么) contains ``q``."""
    return Q(name__icontains=q) | Q(brand_names__icontains=q)


def enterprise_search(*, q: str = "", org: Org | None = None) -> QuerySet[Enterprise]:
    """By name or brand name (contains) or credit code (prefix)."""
    qs = Enterprise.objects.select_related("org", "covering_union").order_by("name", "pk")
    q = (q or "").strip()
    if q:
        qs = qs.filter(_name_or_brand(q) | Q(credit_code__startswith=q.upper()))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, field="org") | subtree_q(org.path, field="covering_union"))
    return qs


# --- Public reads for workers (the mobile web's "join a union" page) ------------------------------
# A worker has no scope: these selectors state their own rule instead. They read under
# scopes_disabled() and hand out only what a union publishes about itself (name, kind, district,
# and its office address, contact and phone, a mobile masked) and an enterprise's name and brand
# names: never staff, headcounts or the tree's internals.

PUBLIC_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class PublicUnion:
    pk: int
    name: str
    kind: str
    kind_label: StrPromise  # lazy: in the language active where it is shown
    district: str  # the name of the district union above it, or ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""  # a mobile masked (139****0001), an office landline as entered

    @property
    def phone_dialable(self) -> str:
        """The office landline as a tel: link dials it; "" for a masked mobile or free text."""
        digits = re.sub(r"[\s\-.()（）]", "", self.contact_phone)
        return digits if re.fullmatch(r"\+?[0-9]{3,20}", digits) else ""


# What a public union is read with (a deferred field would cost a query per union).
PUBLIC_UNION_FIELDS = ("id", "name", "kind", "path", "address", "contact_name", "contact_phone_encrypted")


@dataclass(frozen=True)
class PublicEnterprise:
    pk: int
    name: str
    union: PublicUnion | None  # the grassroots union that covers it, if there is one
    brand_names: tuple[str, ...] = ()


def _public_unions(orgs: list[Org]) -> dict[int, PublicUnion]:
    """PublicUnion for each org, with its district named in one query for all of them."""
    ancestor_paths = {path for org in orgs for path in org.ancestor_paths()}
    districts = {
        path: name
        for path, name in Org.objects.filter(
            path__in=ancestor_paths, kind=OrgKind.DISTRICT_UNION
        ).values_list("path", "name")
    }
    result = {}
    for org in orgs:
        district = next((districts[p] for p in reversed(org.ancestor_paths()) if p in districts), "")
        result[org.pk] = PublicUnion(
            org.pk,
            org.name,
            org.kind,
            OrgKind(org.kind).label,
            district,
            address=org.address,
            contact_name=org.contact_name,
            contact_phone=org.contact_phone_masked,
        )
    return result


def public_districts_with_direct_joining() -> list[tuple[int, str]]:
    """(pk, name) of the district unions that have a union accepting direct joining below them,
    for the "near you" filter."""
    with scopes_disabled():
        paths = Org.objects.filter(accepts_direct_joining=True).values_list("path", flat=True)
        above = {ancestor for path in paths for ancestor in ancestor_paths(path)}
        return list(
            Org.objects.filter(path__in=above, kind=OrgKind.DISTRICT_UNION)
            .order_by("region_code", "name")
            .values_list("pk", "name")
        )


def public_direct_joining_unions(*, district=None, q: str = "", region: str = "") -> list[PublicUnion]:
    """Unions that accept direct joining (gig and platform workers, employers without a union),
    optionally only those under one district union, whose name contains ``q``, or whose division
    code starts with ``region``."""
    with scopes_disabled():
        qs = Org.objects.filter(accepts_direct_joining=True).only(*PUBLIC_UNION_FIELDS)
        if (q or "").strip():
            qs = qs.filter(name__icontains=q.strip())
        if (region or "").strip():
            qs = qs.filter(region_code__startswith=region.strip())
        if district:
            parent = Org.objects.filter(_pk_is(district), kind=OrgKind.DISTRICT_UNION).only("path").first()
            if parent is None:
                return []
            qs = qs.filter(subtree_q(parent.path))
        orgs = list(qs.order_by("path")[: PUBLIC_SEARCH_LIMIT * 5])
        return list(_public_unions(orgs).values())


def public_enterprise_search(*, q: str) -> list[PublicEnterprise]:
    """An employer by name or brand name (contains, two characters at least: 美团, 滴滴) or by its
    full unified social credit code, with the union that covers it."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    with scopes_disabled():
        qs = Enterprise.objects.only("id", "name", "brand_names", "covering_union")
        code = q.upper()
        qs = (
            qs.filter(credit_code=code)
            if len(code) == 18 and code.isalnum()
            else qs.filter(_name_or_brand(q))
        )
        enterprises = list(qs.order_by("name", "pk")[:PUBLIC_SEARCH_LIMIT])
        union_ids = {e.covering_union_id for e in enterprises if e.covering_union_id}
        unions = _public_unions(list(Org.objects.filter(pk__in=union_ids).only(*PUBLIC_UNION_FIELDS)))
    return [
        PublicEnterprise(
            e.pk,
            e.name,
            unions.get(e.covering_union_id) if e.covering_union_id is not None else None,
            tuple(e.brand_name_list),
        )
        for e in enterprises
    ]


def public_union_get(*, pk) -> Org:
    """A union a worker may apply to: one that accepts direct joining, or a grassroots union."""
    with scopes_disabled():
        org = (
            Org.objects.filter(_pk_is(pk))
            .filter(Q(accepts_direct_joining=True) | Q(kind__in=GRASSROOTS_KINDS))
            .only(*PUBLIC_UNION_FIELDS, "accepts_direct_joining")
            .first()
        )
    if org is None:
        raise NotFound(_("This organisation does not exist."))
    return org


def public_union(org: Org) -> PublicUnion:
    with scopes_disabled():
        return _public_unions([org])[org.pk]


def public_enterprise_get(*, pk) -> Enterprise:
    """An employer chosen on the join page: its name, covering union and whether it is a platform."""
    with scopes_disabled():
        enterprise = (
            Enterprise.objects.filter(_pk_is(pk)).only("id", "name", "covering_union", "is_platform").first()
        )
    if enterprise is None:
        raise NotFound(_("This enterprise does not exist."))
    return enterprise


def _pk_is(value) -> Q:
    """The row whose primary key is ``value`` read as a number; no row when it is not a number."""
    try:
        return Q(pk=int(value))
    except (TypeError, ValueError):
        return Q(pk__in=[])
