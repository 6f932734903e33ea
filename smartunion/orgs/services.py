"""Writes to the organisation tree and the enterprise register. Each service is one transaction
with its audit record; tree writes take the TreeLock row first, so they are serialized."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from smartunion.accounts.models import RoleGrant, User
from smartunion.accounts.permissions import require_perm
from smartunion.core import crypto
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.codes import INDUSTRY_SECTIONS, validate_credit_code, validate_division_code
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.core.personal import normalise_contact_phone
from smartunion.core.scoping import scopes_disabled
from smartunion.core.tree import PATH_MAX_LENGTH, encode_step, subtree_q
from smartunion.orgs.models import (
    BRAND_SEPARATOR,
    FEDERATION_KINDS,
    GRASSROOTS_KINDS,
    SERVICE_KINDS,
    Enterprise,
    Org,
    OrgKind,
    TreeLock,
)
from smartunion.orgs.policies import (
    require_change_enterprise,
    require_change_org,
    require_delete_enterprise,
    require_delete_org,
)

ORG_FIELDS = (
    "name",
    "kind",
    "region_code",
    "address",
    "contact_name",
    "contact_phone",
    "accepts_direct_joining",
)


def _lock_tree() -> None:
    # SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction already serializes writers.
    TreeLock.objects.select_for_update().get_or_create(pk=1)


# How high a kind of node stands: a child stands strictly below its parent. Industry unions sit
# under a federation or a district; grassroots unions under any union above them; service bodies
# (mediation centres, legal-service centres, stations) under any union and never have children.
KIND_RANK: dict[str, float] = {
    OrgKind.NATIONAL_FEDERATION: 0,
    OrgKind.PROVINCIAL_FEDERATION: 1,
    OrgKind.CITY_FEDERATION: 2,
    OrgKind.DISTRICT_UNION: 3,
    OrgKind.INDUSTRY_UNION: 3.5,
    OrgKind.STREET_UNION: 4,
    OrgKind.ENTERPRISE_UNION: 5,
    OrgKind.JOINT_UNION: 5,
    OrgKind.MEDIATION_CENTRE: 6,
    OrgKind.LEGAL_SERVICE_CENTRE: 6,
    OrgKind.UNION_STATION: 6,
}


def kind_fits_under(kind: str, parent_kind: str | None) -> bool:
    if parent_kind is None:
        return kind in FEDERATION_KINDS
    return parent_kind not in SERVICE_KINDS and KIND_RANK[kind] > KIND_RANK[parent_kind]


# The kind a new node under a parent of a kind usually is: what "add an organisation" starts on.
USUAL_CHILD_KIND: dict[str, str] = {
    OrgKind.NATIONAL_FEDERATION: OrgKind.PROVINCIAL_FEDERATION,
    OrgKind.PROVINCIAL_FEDERATION: OrgKind.CITY_FEDERATION,
    OrgKind.CITY_FEDERATION: OrgKind.DISTRICT_UNION,
    OrgKind.DISTRICT_UNION: OrgKind.STREET_UNION,
    OrgKind.INDUSTRY_UNION: OrgKind.ENTERPRISE_UNION,
    OrgKind.STREET_UNION: OrgKind.ENTERPRISE_UNION,
    OrgKind.ENTERPRISE_UNION: OrgKind.MEDIATION_CENTRE,  # the enterprise's labour-dispute mediation committee
    OrgKind.JOINT_UNION: OrgKind.MEDIATION_CENTRE,
}


def kinds_allowed_under(parent_kind: str | None) -> list[str]:
    """The kinds a node may have under a parent of ``parent_kind`` (None: at the top), in
    OrgKind's order."""
    return [kind for kind in OrgKind.values if kind_fits_under(kind, parent_kind)]


def usual_child_kind(parent_kind: str | None) -> str | None:
    if parent_kind is None:
        return OrgKind.CITY_FEDERATION
    return USUAL_CHILD_KIND.get(parent_kind)


def _kind_error(kind: str, parent_kind: str | None) -> str:
    if parent_kind is None:
        return _("Only a federation can stand at the top of the tree.")
    if parent_kind in SERVICE_KINDS:
        return _("A service body cannot have organisations under it.")
    return _("A %(kind)s cannot stand under a %(parent)s.") % {
        "kind": OrgKind(kind).label,
        "parent": OrgKind(parent_kind).label,
    }


def _clean_org_fields(data: dict[str, Any], *, parent: Org | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = {k: data[k] for k in ORG_FIELDS if k in data}
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            errors["name"] = [_("Please enter a name.")]
    if "contact_phone" in cleaned:
        cleaned["contact_phone"] = normalise_contact_phone(cleaned["contact_phone"])
    if "kind" in cleaned and cleaned["kind"] not in OrgKind.values:
        errors["kind"] = [_("Choose a kind of organisation from the list.")]
    if "region_code" in cleaned:
        try:
            cleaned["region_code"] = validate_division_code(cleaned["region_code"])
        except ValidationFailed as exc:
            errors.update(exc.fields)
    kind = cleaned.get("kind")
    if kind and not errors.get("kind") and not kind_fits_under(kind, parent.kind if parent else None):
        field = "parent" if parent is not None and parent.kind in SERVICE_KINDS else "kind"
        errors[field] = [_kind_error(kind, parent.kind if parent else None)]
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def _stored_org_fields(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Model field values for cleaned input: the contact phone is kept encrypted."""
    stored = dict(cleaned)
    if "contact_phone" in stored:
        phone = stored.pop("contact_phone")
        stored["contact_phone_encrypted"] = crypto.encrypt(phone) if phone else ""
    return stored


def _check_parent_kind(org: Org, parent: Org) -> None:
    if not kind_fits_under(org.kind, parent.kind):
        raise ValidationFailed(fields={"parent": [_kind_error(org.kind, parent.kind)]})


def _next_child_path(parent: Org | None) -> str:
    if parent is None:
        roots = Org.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
        number = int(roots, 36) + 1 if roots else 0
        return encode_step(number)
    Org.objects.filter(pk=parent.pk).update(child_seq=F("child_seq") + 1)
    parent.refresh_from_db(fields=["child_seq"])
    path = parent.path + encode_step(parent.child_seq - 1)
    if len(path) > PATH_MAX_LENGTH:
        raise ValidationFailed(fields={"parent": [_("The tree cannot be this deep.")]})
    return path


def org_create(*, actor: User | None, parent: Org | None, client_address: str = "", **data: Any) -> Org:
    if actor is not None:
        if parent is None:
            raise ValidationFailed(fields={"parent": [_("Choose where this organisation belongs.")]})
        require_change_org(actor, parent)
    missing = {f: [_("This field is required.")] for f in ("name", "kind", "region_code") if not data.get(f)}
    if missing:
        raise ValidationFailed(fields=missing)
    cleaned = _clean_org_fields(data, parent=parent)
    with transaction.atomic():
        _lock_tree()
        if parent is not None:
            parent = Org.objects.select_for_update().get(pk=parent.pk)
        org = Org(parent=parent, depth=(parent.depth + 1) if parent else 1, **_stored_org_fields(cleaned))
        org.path = _next_child_path(parent)
        org.save(force_insert=True)
        if parent is not None:
            Org.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
        audit_record(
            action=AuditAction.ORG_CREATE,
            actor=actor,
            obj=org,
            client_address=client_address,
            data={"fields": _audit_fields(cleaned)},
        )
    return org


def _audit_fields(cleaned: dict[str, Any]) -> dict[str, Any]:
    # The contact person's name and phone are personal data: they stay out of the append-only log.
    return {k: v for k, v in cleaned.items() if k not in {"contact_name", "contact_phone"}}


def org_update(*, actor: User | None, org: Org, client_address: str = "", **data: Any) -> Org:
    if actor is not None:
        require_change_org(actor, org)
    cleaned = _clean_org_fields(data, parent=org.parent)
    new_kind = cleaned.get("kind", org.kind)
    if new_kind != org.kind:
        with scopes_disabled():
            child_kinds = set(Org.objects.filter(parent=org).values_list("kind", flat=True))
            covers = Enterprise.objects.filter(covering_union=org).exists()
        if new_kind in SERVICE_KINDS and child_kinds:
            raise ValidationFailed(
                fields={"kind": [_("An organisation with children cannot become a service body.")]}
            )
        if any(not kind_fits_under(k, new_kind) for k in child_kinds):
            raise ValidationFailed(
                fields={"kind": [_("Some organisations under it could not stand under this kind.")]}
            )
        if covers and new_kind not in GRASSROOTS_KINDS:
            raise ValidationFailed(
                fields={
                    "kind": [
                        _("It still covers enterprises: only an enterprise or joint union can cover them.")
                    ]
                }
            )
    with transaction.atomic():
        changed = {k: v for k, v in cleaned.items() if getattr(org, k) != v}
        stored = _stored_org_fields(changed)
        for key, value in stored.items():
            setattr(org, key, value)
        if changed:
            org.save(update_fields=[*stored, "updated_at"])
            audit_record(
                action=AuditAction.ORG_UPDATE,
                actor=actor,
                obj=org,
                client_address=client_address,
                data={"changed": sorted(changed)},
            )
    return org


def org_move(*, actor: User | None, org: Org, new_parent: Org, client_address: str = "") -> Org:
    """Move ``org`` and its whole subtree under ``new_parent``: one UPDATE of the moved rows."""
    if actor is not None:
        require_change_org(actor, org)
        require_change_org(actor, new_parent)
    with transaction.atomic():
        _lock_tree()
        # Re-read under the lock: another move may have changed both paths since the request began.
        org = Org.objects.select_for_update().get(pk=org.pk)
        new_parent = Org.objects.select_for_update().get(pk=new_parent.pk)
        if new_parent.pk == org.pk or new_parent.path.startswith(org.path):
            raise ValidationFailed(
                fields={
                    "parent": [_("An organisation cannot be moved under itself or one of its own branches.")]
                }
            )
        _check_parent_kind(org, new_parent)
        if org.parent_id == new_parent.pk:
            return org
        old_parent_id = org.parent_id
        old_path = org.path
        new_path = _next_child_path(new_parent)
        depth_delta = new_parent.depth + 1 - org.depth
        if len(new_path) - len(old_path) + _max_subtree_path_length(org) > PATH_MAX_LENGTH:
            raise ValidationFailed(fields={"parent": [_("The tree cannot be this deep.")]})
        with scopes_disabled():
            Org.objects.filter(subtree_q(old_path)).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + depth_delta,
            )
        Org.objects.filter(pk=org.pk).update(parent=new_parent)
        if old_parent_id is not None:  # a root moved under a node had no parent to count it
            Org.objects.filter(pk=old_parent_id).update(numchild=F("numchild") - 1)
        Org.objects.filter(pk=new_parent.pk).update(numchild=F("numchild") + 1)
        org.refresh_from_db()
        audit_record(
            action=AuditAction.ORG_MOVE,
            actor=actor,
            obj=org,
            client_address=client_address,
            data={"from_parent": old_parent_id, "to_parent": new_parent.pk},
        )
    return org


def _max_subtree_path_length(org: Org) -> int:
    with scopes_disabled():
        return Org.objects.filter(subtree_q(org.path)).aggregate(m=Max(Length("path")))["m"] or len(org.path)


def org_delete(*, actor: User | None, org: Org, client_address: str = "") -> None:
    if actor is not None:
        require_delete_org(actor, org)
    with transaction.atomic():
        _lock_tree()
        org = Org.objects.select_for_update().get(pk=org.pk)
        reasons = org_delete_blockers(org)
        if reasons:
            raise Conflict(
                _("This organisation cannot be deleted: %(reasons)s.") % {"reasons": "; ".join(reasons)}
            )
        parent = org.parent
        audit_record(
            action=AuditAction.ORG_DELETE,
            actor=actor,
            obj=org,
            org=parent,
            client_address=client_address,
            data={"name": org.name, "path": org.path},
        )
        org.delete()
        if parent is not None:
            Org.objects.filter(pk=parent.pk).update(numchild=F("numchild") - 1)


def org_delete_blockers(org: Org) -> list[str]:
    """Why ``org`` cannot be deleted, in words a user understands; empty when it can."""
    reasons = []
    with scopes_disabled():
        children = Org.objects.filter(parent=org).count()
        staff = User.objects.filter(home_org=org).count() + RoleGrant.objects.filter(org=org).count()
        enterprises = Enterprise.objects.filter(org=org).count()
        covered = Enterprise.objects.filter(covering_union=org).exclude(org=org).count()
    if children:
        reasons.append(_("it still has %(n)d organisations under it") % {"n": children})
    if staff:
        reasons.append(_("staff accounts or role grants still belong to it (%(n)d)") % {"n": staff})
    if enterprises:
        reasons.append(_("%(n)d enterprises are still registered with it") % {"n": enterprises})
    if covered:
        reasons.append(_("it still covers %(n)d enterprises as their grassroots union") % {"n": covered})
    for check in DELETE_BLOCKER_CHECKS:
        reason = check(org)
        if reason:
            reasons.append(reason)
    return reasons


# Later apps (members, cases) register functions here that return a reason or None.
DELETE_BLOCKER_CHECKS: list[Callable[[Org], str | None]] = []


# --- Enterprises ---------------------------------------------------------------------------------

MAX_HEADCOUNT = 10_000_000


ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "brand_names",
    "address",
    "industry",
    "headcount",
    "is_platform",
    "covering_union",
)
BRAND_NAME_MAX_LENGTH = 50
_BRAND_SPLIT = re.compile(r"[,，、;；/\n]+")


def clean_brand_names(value: str | list[str] | None) -> str:
    """Brand names typed as one line (美团，美团外卖 / 饿了么) or given as a list, stored as one
    string joined with 、: NFKC, no empty or repeated names."""
    parts = value if isinstance(value, list | tuple) else _BRAND_SPLIT.split(value or "")
    names: list[str] = []
    for part in parts:
        name = " ".join(unicodedata.normalize("NFKC", str(part or "")).split())
        if name and name not in names:
            names.append(name)
    return BRAND_SEPARATOR.join(names)


def _max_length(model: type[models.Model], name: str) -> int:
    """The ``max_length`` of the text field ``name`` of ``model``."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


def _clean_enterprise(data: dict[str, Any], *, instance: Enterprise | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = {k: data[k] for k in ENTERPRISE_FIELDS if k in data}
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            errors["name"] = [_("Please enter a name.")]
    if "credit_code" in cleaned:
        try:
            cleaned["credit_code"] = validate_credit_code(cleaned["credit_code"])
            cleaned["region_code"] = cleaned["credit_code"][2:8]
            with scopes_disabled():
                taken = Enterprise.objects.filter(credit_code=cleaned["credit_code"])
                if instance is not None:
                    taken = taken.exclude(pk=instance.pk)
                if taken.exists():
                    errors["credit_code"] = [_("An enterprise with this credit code is already registered.")]
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if "brand_names" in cleaned:
        cleaned["brand_names"] = clean_brand_names(cleaned["brand_names"])
        names = cleaned["brand_names"].split(BRAND_SEPARATOR) if cleaned["brand_names"] else []
        if any(len(name) > BRAND_NAME_MAX_LENGTH for name in names):
            errors["brand_names"] = [
                _("A brand name has at most %(n)d characters; separate names with commas.")
                % {"n": BRAND_NAME_MAX_LENGTH}
            ]
        elif len(cleaned["brand_names"]) > _max_length(Enterprise, "brand_names"):
            errors["brand_names"] = [_("Brand names and aliases have at most 300 characters in all.")]
    if "industry" in cleaned and (not cleaned["industry"] or cleaned["industry"] not in INDUSTRY_SECTIONS):
        errors["industry"] = [_("Choose an industry section (GB/T 4754: A to T).")]
    if "headcount" in cleaned:
        try:
            cleaned["headcount"] = int(cleaned["headcount"] or 0)
            if not 0 <= cleaned["headcount"] <= MAX_HEADCOUNT:
                raise ValueError
        except (TypeError, ValueError):
            errors["headcount"] = [_("Headcount is a whole number from 0 to 10,000,000.")]
    union = cleaned.get("covering_union")
    if union is not None and not union.is_grassroots:
        errors["covering_union"] = [_("Only an enterprise union or a joint union can cover an enterprise.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def enterprise_create(*, actor: User | None, org: Org, client_address: str = "", **data: Any) -> Enterprise:
    if actor is not None:
        require_perm(actor, "enterprises.change", org)
    missing = {
        f: [_("This field is required.")] for f in ("name", "credit_code", "industry") if not data.get(f)
    }
    if missing:
        raise ValidationFailed(fields=missing)
    if org.kind in SERVICE_KINDS:
        raise ValidationFailed(
            fields={"org": [_("Enterprises are registered with a union, not with a service body.")]}
        )
    cleaned = _clean_enterprise(data, instance=None)
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(org=org, **cleaned)
            audit_record(
                action=AuditAction.ENTERPRISE_CREATE,
                actor=actor,
                obj=enterprise,
                client_address=client_address,
                data={"credit_code": enterprise.credit_code},
            )
    except IntegrityError as exc:  # the same code registered at the same moment by someone else
        raise ValidationFailed(
            fields={"credit_code": [_("An enterprise with this credit code is already registered.")]}
        ) from exc
    return enterprise


def enterprise_update(
    *, actor: User | None, enterprise: Enterprise, client_address: str = "", **data: Any
) -> Enterprise:
    if actor is not None:
        require_change_enterprise(actor, enterprise)
    cleaned = _clean_enterprise(data, instance=enterprise)
    try:
        with transaction.atomic():
            changed = {k: v for k, v in cleaned.items() if getattr(enterprise, k) != v}
            for key, value in changed.items():
                setattr(enterprise, key, value)
            if changed:
                enterprise.save(update_fields=[*changed, "updated_at"])
                audit_record(
                    action=AuditAction.ENTERPRISE_UPDATE,
                    actor=actor,
                    obj=enterprise,
                    client_address=client_address,
                    data={"changed": sorted(changed)},
                )
    except IntegrityError as exc:
        raise ValidationFailed(
            fields={"credit_code": [_("An enterprise with this credit code is already registered.")]}
        ) from exc
    return enterprise


def enterprise_delete(*, actor: User | None, enterprise: Enterprise, client_address: str = "") -> None:
    if actor is not None:
        require_delete_enterprise(actor, enterprise)
    with transaction.atomic():
        audit_record(
            action=AuditAction.ENTERPRISE_DELETE,
            actor=actor,
            obj=enterprise,
            client_address=client_address,
            data={"credit_code": enterprise.credit_code},
        )
        enterprise.delete()
