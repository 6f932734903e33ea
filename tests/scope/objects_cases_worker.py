"""The worker-side case objects the scope rows of rows_cases.py name (keys starting ``wcase_``):
``worker_a``'s mediation case with an evidence record, a consent request, and a draft application,
made through the real services where a worker's own action makes them."""

from __future__ import annotations

from smartunion.cases.models import Evidence, Share
from smartunion.cases.services import case_apply, draft_save
from smartunion.core.scoping import scopes_disabled
from tests.factories import StaffFactory
from tests.factories.cases import application_data

WORKER_CASE_KEYS = ("wcase_",)


def worker_case_objects(tree, workers: dict) -> dict:
    worker = workers["worker_a"]
    case, _created = case_apply(
        actor=worker,
        data=application_data(
            employer=tree.enterprise_a, name="甲职工", mobile=worker.mobile, facts="甲职工的案情：欠薪"
        ),
    )
    requester = StaffFactory(username="matrix.case.requester", home_org=tree.city)
    with scopes_disabled():
        evidence = Evidence.objects.create(
            case=case,
            description="甲职工的证据",
            original_name="甲.jpg",
            content_type="image/jpeg",
            size=1,
            sha256="0" * 64,
            storage_name="matrix-evidence-a",
            uploaded_by=worker,
        )
        share = Share.objects.create(case=case, recipient="甲仲裁委", purpose="仲裁", requested_by=requester)
    draft = draft_save(user=worker, kind="mediation", step="facts", data={"facts": "甲草稿事实"})
    return {"wcase_a": case, "wcase_a_evidence": evidence, "wcase_a_share": share, "wcase_a_draft": draft}
