"""Where a case goes, and moving it elsewhere.

A case reaches the centre whose division code is the longest prefix of the employer's (an employer
registered in 房山区 110111 reaches the 房山 centre), falling back up the tree when a region has no
centre of that kind, and in the end to the federation's top node, so no case is ever lost. Rules an
administrator keeps (``RoutingRule``) come first: an industry union's centre takes its industry.
Legal aid goes to a legal-service centre: 法律援助法 第三十八条 (the body where the matter arose);
mediation to a mediation centre: 劳动争议调解仲裁法 第十条.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from smartunion.accounts.models import User
from smartunion.accounts.permissions import orgs_with_perm_paths
from smartunion.cases.models import Case, CaseKind, CaseStatus, EventKind, RoutingRule
from smartunion.cases.policies import can_route
from smartunion.cases.services.events import case_event, lock_case
from smartunion.cases.services.workflow import CASE_WORKFLOW, require_handling
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.codes import division_code_error
from smartunion.core.errors import Conflict, Forbidden, ValidationFailed, field_error
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Org, OrgKind

CENTRE_KIND = {
    CaseKind.MEDIATION: OrgKind.MEDIATION_CENTRE,
    CaseKind.LEGAL_AID: OrgKind.LEGAL_SERVICE_CENTRE,
    # Consultations are answered by the legal-service centre.
    CaseKind.CONSULTATION: OrgKind.LEGAL_SERVICE_CENTRE,
}


def _region_prefixes(region_code: str) -> list[str]:
    """110113001 -> 110113001, 110113, 1101, 11: the levels of GB/T 2260 (and the street suffix),
    longest first, trailing zeros of a higher level dropped (110000 is the city 11)."""
    code = region_code.strip()
    levels = [code]
    if len(code) > 6:
        levels.append(code[:6])
    levels += [code[:4], code[:2]]
    out: list[str] = []
    for level in levels:
        if level and level not in out:
            out.append(level)
    return out


def _centre_prefix(code: str) -> str:
    """A centre's own division code as the prefix it covers: a district 110111 covers 110111…;
    the city 110000 covers 11…; a province 110000 likewise (the zeros are 'the whole of')."""
    code = code.strip()
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def route(*, kind: str, region_code: str, industry: str = "") -> Org:
    """The centre a new case of ``kind`` goes to, for an employer registered in ``region_code``
    (and in GB/T 4754 section ``industry``). System work: reads every centre, whoever applies."""
    with scopes_disabled():
        rules = list(RoutingRule.objects.filter(kind__in=["", kind]).select_related("centre").order_by("pk"))
        centre_kind = CENTRE_KIND[CaseKind(kind)]
        matching = [
            r
            for r in rules
            if region_code.startswith(r.region_prefix)
            and (not r.industry or r.industry == industry)
            and r.centre.kind == centre_kind  # a rule for "every kind" sends those its centre takes
        ]
        if matching:
            # An industry rule wins over a region rule; then the longest prefix; then a rule for
            # this kind over one for every kind; then the newest.
            best = max(matching, key=lambda r: (bool(r.industry), len(r.region_prefix), r.kind == kind, r.pk))
            return best.centre
        centres = list(
            Org.objects.filter(kind=CENTRE_KIND[CaseKind(kind)]).only("id", "region_code", "path", "name")
        )
        best_centre = None
        best_len = -1
        for centre in centres:
            prefix = _centre_prefix(centre.region_code)
            if region_code.startswith(prefix) and len(prefix) > best_len:
                best_centre, best_len = centre, len(prefix)
        if best_centre is not None:
            return best_centre
        # No centre anywhere above this region: the top node whose region covers it, else the first
        # top node (the federation), whose staff route it by hand.
        roots = list(Org.objects.filter(depth=1).order_by("path"))
        for root in roots:
            if region_code.startswith(_centre_prefix(root.region_code)):
                return root
        if not roots:
            raise ValidationFailed(_("There is no organisation to take cases yet."))
        return roots[0]


def _routing_regions(actor: User) -> list[str]:
    """The division-code prefixes of the nodes where ``actor`` holds ``cases.route`` (a top node
    covers every region: "")."""
    paths = orgs_with_perm_paths(actor, "cases.route")
    with scopes_disabled():
        nodes = list(Org.objects.filter(path__in=paths).only("region_code", "depth"))
    return sorted({"" if node.depth == 1 else _centre_prefix(node.region_code) for node in nodes})


def routing_rule_create(
    *, actor: User | None, kind: str, region_prefix: str, industry: str, centre: Org, note: str = ""
) -> RoutingRule:
    # actor None: system work (the demo, a migration), which states its own rule.
    if actor is not None and not can_route(actor, centre):
        raise Forbidden(_("You may not change where cases go for this centre."))
    region_prefix = region_prefix.strip()
    if region_prefix and (not region_prefix.isdigit() or len(region_prefix) > 12):
        raise field_error("region_prefix", _("A division code prefix is up to 12 digits."))
    if len(region_prefix) == 6 and division_code_error(region_prefix):
        raise field_error("region_prefix", str(division_code_error(region_prefix)))
    if not region_prefix and not industry:
        raise ValidationFailed(_("A rule needs a division code prefix, an industry, or both."))
    if centre.kind not in (OrgKind.MEDIATION_CENTRE, OrgKind.LEGAL_SERVICE_CENTRE):
        raise field_error("centre", _("Cases can only be sent to a mediation or legal-service centre."))
    if kind and centre.kind != CENTRE_KIND[CaseKind(kind)]:
        raise field_error(
            "centre",
            _("A %(kind)s case goes to a %(centre)s.")
            % {"kind": CaseKind(kind).label, "centre": OrgKind(CENTRE_KIND[CaseKind(kind)]).label},
        )
    if actor is not None:
        # A rule sends only cases of the regions where its author keeps the routing: a district's
        # administrator cannot pull another district's (or every region's) cases to their centre.
        regions = _routing_regions(actor)
        if not any(region_prefix.startswith(region) for region in regions):
            raise field_error(
                "region_prefix",
                _("You keep the routing of %(regions)s only: the prefix must start with one of them.")
                % {"regions": "、".join(regions) or "—"},
            )
    with transaction.atomic():
        rule = RoutingRule.objects.create(
            kind=kind, region_prefix=region_prefix, industry=industry, centre=centre, note=note[:200]
        )
        audit_record(
            action=AuditAction.CASE_ROUTING_CHANGE,
            actor=actor,
            obj=centre,
            data={"rule": rule.pk, "kind": kind, "region_prefix": region_prefix, "industry": industry},
        )
    return rule


def routing_rule_delete(*, actor: User, rule: RoutingRule) -> None:
    if not can_route(actor, rule.centre):
        raise Forbidden(_("You may not change where cases go for this centre."))
    with transaction.atomic():
        audit_record(
            action=AuditAction.CASE_ROUTING_CHANGE,
            actor=actor,
            obj=rule.centre,
            data={"deleted_rule": rule.pk, "kind": rule.kind, "region_prefix": rule.region_prefix},
        )
        rule.delete()


def case_move(*, case: Case, centre: Org, actor: User, reason: str, client_address: str = "") -> Case:
    """Transfer a case to another centre with a reason: audited, on the worker's timeline; the case
    leaves its assignee (the new centre assigns its own)."""
    require_handling(actor, case)
    reason = reason.strip()
    if not reason:
        raise field_error("reason", _("Say why the case moves."))
    if centre.kind != CENTRE_KIND[CaseKind(case.kind)]:
        raise field_error(
            "centre",
            _("A %(kind)s case goes to a %(centre)s.")
            % {"kind": CaseKind(case.kind).label, "centre": OrgKind(CENTRE_KIND[CaseKind(case.kind)]).label},
        )
    if centre.pk == case.org_id:
        raise field_error("centre", _("The case is already at this centre."))
    if not case.is_open:
        raise Conflict(_("A closed case cannot be moved."))
    with transaction.atomic():
        locked = lock_case(case)
        old = locked.org
        locked.org = centre
        locked.assignee = None
        if locked.status in (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS):
            # Back to the new centre's queue, to be assigned there.
            CASE_WORKFLOW.move(locked, CaseStatus.ACCEPTED, fields=["org", "assignee", "updated_at"])
        else:
            locked.save(update_fields=["org", "assignee", "updated_at"])
        case_event(
            case=locked,
            kind=EventKind.TRANSFER,
            actor=actor,
            public_text=lambda: (
                _("Your case moved from %(old)s to %(new)s.") % {"old": old.name, "new": centre.name}
            ),
            internal_text=reason,
            data={"from_org": old.pk, "to_org": centre.pk},
        )
        audit_record(
            action=AuditAction.CASE_MOVE,
            actor=actor,
            obj=locked,
            org=centre,
            client_address=client_address,
            data={"from_org": old.pk, "to_org": centre.pk, "reason": reason[:300]},
        )
    return locked
