"""Reads of the tree and the enterprise register. Everything goes through the scoped managers:
rows outside the active scope do not exist here, so the ends turn a miss into 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartunion.core.errors import NotFound
from smartunion.core.scoping import current_scope, subtree_q
from smartunion.orgs.models import Enterprise, Org


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


def enterprise_search(*, q: str = "", org: Org | None = None) -> QuerySet[Enterprise]:
    """By name (contains) or credit code (prefix)."""
    qs = Enterprise.objects.select_related("org", "covering_union").order_by("name", "pk")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__startswith=q.upper()))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, field="org") | subtree_q(org.path, field="covering_union"))
    return qs
