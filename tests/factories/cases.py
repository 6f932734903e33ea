"""Cases for tests: centres and case staff on the shared ``tree``, application data, and cases in
any state, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from smartunion.cases.models import Case, CaseStatus
from smartunion.cases.services import case_apply, case_record_payment, case_transition, contact_log
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Org, OrgKind
from tests.factories import EnterpriseFactory, OrgFactory, StaffFactory, WorkerFactory, make_credit_code


@dataclass
class CaseWorld:
    tree: Any
    mediation_fs: Org
    legal_fs: Org
    mediation_sy: Org
    legal_sy: Org
    employer_fs: Any  # registered in 房山 (110111)
    employer_sy: Any  # registered in 顺义 (110113)
    mediator_fs: Any
    mediator_fs2: Any
    mediator_sy: Any
    officer_fs: Any
    officer_sy: Any
    union_staff_fs: Any
    worker: Any
    other_worker: Any


def make_case_world(tree) -> CaseWorld:
    mediation_sy = OrgFactory(
        name="顺义区劳动争议调解中心", kind=OrgKind.MEDIATION_CENTRE, region_code="110113", parent=tree.shunyi
    )
    legal_fs = OrgFactory(
        name="房山区总工会职工法律服务中心",
        kind=OrgKind.LEGAL_SERVICE_CENTRE,
        region_code="110111",
        parent=tree.fangshan,
    )
    legal_sy = OrgFactory(
        name="顺义区总工会职工法律服务中心",
        kind=OrgKind.LEGAL_SERVICE_CENTRE,
        region_code="110113",
        parent=tree.shunyi,
    )
    employer_fs = EnterpriseFactory(
        name="北京房山示例商贸有限公司",
        credit_code=make_credit_code("110111"),
        region_code="110111",
        org=tree.union_a,
        industry="F",
    )
    employer_sy = EnterpriseFactory(
        name="北京顺义示例速递有限公司",
        credit_code=make_credit_code("110113"),
        region_code="110113",
        org=tree.union_c,
        industry="G",
    )
    return CaseWorld(
        tree=tree,
        mediation_fs=tree.mediation_fs,
        legal_fs=legal_fs,
        mediation_sy=mediation_sy,
        legal_sy=legal_sy,
        employer_fs=employer_fs,
        employer_sy=employer_sy,
        mediator_fs=StaffFactory(
            username="fs.mediator",
            display_name="房山调解员甲",
            home_org=tree.mediation_fs,
            roles=[("mediator", tree.mediation_fs)],
        ),
        mediator_fs2=StaffFactory(
            username="fs.mediator2",
            display_name="房山调解员乙",
            home_org=tree.mediation_fs,
            roles=[("mediator", tree.mediation_fs)],
        ),
        mediator_sy=StaffFactory(
            username="sy.mediator",
            display_name="顺义调解员",
            home_org=mediation_sy,
            roles=[("mediator", mediation_sy)],
        ),
        officer_fs=StaffFactory(
            username="fs.officer",
            display_name="房山法援专员",
            home_org=legal_fs,
            roles=[("legal_aid_officer", legal_fs)],
        ),
        officer_sy=StaffFactory(
            username="sy.officer",
            display_name="顺义法援专员",
            home_org=legal_sy,
            roles=[("legal_aid_officer", legal_sy)],
        ),
        union_staff_fs=StaffFactory(
            username="fs.unionstaff", home_org=tree.fangshan, roles=[("union_staff", tree.fangshan)]
        ),
        worker=WorkerFactory(display_name="刘芳"),
        other_worker=WorkerFactory(display_name="赵强"),
    )


def application_data(
    *,
    kind: str = "mediation",
    employer=None,
    name: str = "刘芳",
    mobile: str = "13900000000",
    amount: str = "21673.30",
    dispute_type: str = "unpaid_wages",
    **extra: Any,
) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "kind": kind,
        "applicant": {
            "name": name,
            "mobile": mobile,
            "occupation": "仓库管理员",
            "address": "北京市房山区良乡镇",
        },
        "employer": {"id": employer.pk} if employer is not None else {},
        "claims": [{"type": dispute_type, "amount": amount, "description": "拖欠工资"}],
        "employment_start": (today - timedelta(days=800)).isoformat(),
        "employment_end": (today - timedelta(days=30)).isoformat(),
        "dispute_date": (today - timedelta(days=20)).isoformat(),
        "facts": "公司同意解除劳动合同，但一直未支付拖欠的工资。",
        "request": "支付拖欠工资",
    }
    if kind == "legal_aid":
        data["means_route"] = "waived_migrant"
        data["applicant"]["is_migrant_worker"] = True
    data.update(extra)
    return data


def make_case(
    world: CaseWorld,
    *,
    kind: str = "mediation",
    status: str = "received",
    worker=None,
    employer=None,
    **extra: Any,
) -> Case:
    """A case applied for by ``worker`` (default the world's worker) and moved on to ``status``
    through the real workflow."""
    worker = worker or world.worker
    employer = employer or (world.employer_fs if kind == "mediation" else world.employer_sy)
    case, _created = case_apply(
        actor=worker, data=application_data(kind=kind, employer=employer, mobile=worker.mobile, **extra)
    )
    with scopes_disabled():
        case = Case.objects.select_related("org").get(pk=case.pk)
    handler = _handler(world, case)
    steps = {
        "received": [],
        "accepted": ["accepted"],
        "declined": ["declined"],
        "assigned": ["accepted", "assigned"],
        "in_progress": ["accepted", "assigned", "in_progress"],
        "agreed": ["accepted", "assigned", "in_progress", "agreed"],
        "not_agreed": ["accepted", "assigned", "in_progress", "not_agreed"],
        "withdrawn": ["withdrawn"],
        "aid_granted": ["accepted", "assigned", "in_progress", "aid_granted"],
        "aid_refused": ["accepted", "assigned", "in_progress", "aid_refused"],
        "answered": ["accepted", "assigned", "in_progress", "answered"],
        "paid": ["accepted", "assigned", "in_progress", "agreed"],
    }[status]
    for to in steps:
        if to == "in_progress":
            contact_log(
                case=case, actor=handler, at=None, channel="phone", party="worker", summary="电话了解情况"
            )
            with scopes_disabled():
                case = Case.objects.select_related("org").get(pk=case.pk)
            continue
        case = case_transition(
            case=case,
            to=to,
            actor=handler,
            reason="测试原因",
            assignee=handler if to == CaseStatus.ASSIGNED else None,
            amount_agreed="21673.30" if to == CaseStatus.AGREED else None,
            payment_due=timezone.localdate() + timedelta(days=10) if to == CaseStatus.AGREED else None,
        )
    if status == "paid":
        case = case_record_payment(case=case, actor=handler, paid="21673.30")
    return case


def _handler(world: CaseWorld, case: Case):
    by_centre = {
        world.mediation_fs.pk: world.mediator_fs,
        world.mediation_sy.pk: world.mediator_sy,
        world.legal_fs.pk: world.officer_fs,
        world.legal_sy.pk: world.officer_sy,
    }
    return by_centre[case.org_id]


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
