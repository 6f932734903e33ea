"""The staff workbench through the API: the queue (scoped, keyset pages, a fixed number of queries),
opening a case (audited, masked), the workflow, the contact log, material, payment, moving, sharing,
evidence, numbers and routing rules; 404 outside the scope, 403 inside it without the right."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from smartunion.cases.models import Case, RoutingRule
from smartunion.cases.services import evidence_add
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db


def audited(action: str, case: Case) -> int:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=action, object_id=str(case.pk)).count()


def add_photo(world, case):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, format="PNG")
    out.seek(0)
    out.name = "payslip.png"
    out.size = len(out.getvalue())
    return evidence_add(case=case, actor=world.worker, upload=out, description="工资条")


# --- The queue ------------------------------------------------------------------------------------


def test_the_mediators_queue_shows_their_centres_cases_nearest_clock_first(world, staff_api):
    fs_cases = [make_case(world) for _ in range(3)]
    make_case(world, employer=world.employer_sy)  # 顺义's mediation centre
    make_case(world, kind="legal_aid")  # legal aid: not a mediator's
    with scopes_disabled():
        Case.objects.filter(pk=fs_cases[2].pk).update(next_clock=timezone.localdate())

    body = staff_api(world.mediator_fs).get("/api/v1/cases").json()

    assert [c["id"] for c in body["items"]] == [fs_cases[2].pk, fs_cases[0].pk, fs_cases[1].pk]
    assert body["next_cursor"] is None
    row = body["items"][0]
    assert row["applicant_name"] == "刘芳"
    assert row["centre"]["name"] == "房山区劳动争议调解中心"
    assert row["next_clock"] == timezone.localdate().isoformat()
    assert row["days_to_clock"] == 0
    assert row["amount_claimed"] == "21673.30"


def test_the_queue_pages_by_cursor(world, staff_api):
    cases = [make_case(world) for _ in range(3)]
    api = staff_api(world.mediator_fs)

    first = api.get("/api/v1/cases", {"limit": 2}).json()
    second = api.get("/api/v1/cases", {"limit": 2, "cursor": first["next_cursor"]}).json()
    bad = api.get("/api/v1/cases", {"cursor": "garbage"})

    seen = [c["id"] for c in first["items"] + second["items"]]
    assert sorted(seen) == sorted(c.pk for c in cases) and len(set(seen)) == 3
    assert second["next_cursor"] is None
    assert bad.status_code == 422
    assert list(bad.json()["fields"]) == ["query.cursor"]


def test_the_queue_filters(world, staff_api):
    received = make_case(world)
    assigned = make_case(world, status="assigned")
    closed = make_case(world, status="withdrawn")
    overtime = make_case(world, dispute_type="overtime")
    api = staff_api(world.mediator_fs)

    def ids(**params):
        return {c["id"] for c in api.get("/api/v1/cases", params).json()["items"]}

    assert ids(view="mine") == {assigned.pk}
    assert ids(status="closed") == {closed.pk}
    assert ids(status="received") == {received.pk, overtime.pk}
    assert ids(dispute_type="overtime") == {overtime.pk}
    assert ids(kind="legal_aid") == set()
    assert ids(centre=world.mediation_sy.pk) == set()
    assert ids(clock="none") == set()
    bad = api.get("/api/v1/cases", {"status": "lost", "clock": "soon"})
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"query.clock"}


def test_union_staff_read_their_subtrees_cases_with_names_masked(world, staff_api):
    case = make_case(world)
    make_case(world, employer=world.employer_sy)

    items = staff_api(world.union_staff_fs).get("/api/v1/cases").json()["items"]

    assert [(c["id"], c["applicant_name"]) for c in items] == [(case.pk, "刘*")]


def test_workers_and_staff_without_cases_get_403(world, worker_api, staff_api, tree):
    from tests.factories import StaffFactory

    clerk = StaffFactory(
        username="a.clerk", home_org=tree.union_a, roles=[("grassroots_staff", tree.union_a)]
    )

    assert worker_api(world.worker).get("/api/v1/cases").status_code == 403
    assert staff_api(clerk).get("/api/v1/cases").status_code == 403


@pytest.mark.parametrize("count", [1, 3])
def test_the_queue_runs_a_fixed_number_of_queries(world, staff_api, count, django_assert_num_queries):
    for _ in range(count):
        make_case(world, status="assigned")
    api = staff_api(world.mediator_fs)

    # token lookup, the user's grants, the centres under them, the page (centre and assignee joined)
    with django_assert_num_queries(4):
        response = api.get("/api/v1/cases", {"limit": 50})

    assert len(response.json()["items"]) == count


# --- Opening a case ---------------------------------------------------------------------------------


def test_opening_a_case_is_audited_and_shows_it_masked(world, staff_api):
    case = make_case(world, status="in_progress")
    add_photo(world, case)

    response = staff_api(world.mediator_fs).get(f"/api/v1/cases/{case.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["applicant"]["name"] == "刘芳"
    mobile = world.worker.mobile
    assert body["applicant"]["mobile"] == f"{mobile[:3]}****{mobile[-4:]}"
    assert mobile not in response.content.decode()
    assert body["employer"]["name"] == "北京房山示例商贸有限公司"
    assert body["handles"] is True
    assert [e["description"] for e in body["evidence"]] == ["工资条"]
    # Those holding the case read the contact log's summary on the timeline.
    assert "电话了解情况" in [e["internal_text"] for e in body["timeline"]]
    assert audited("case.view", case) == 1


def test_union_staff_read_a_case_without_evidence_or_internal_notes(world, staff_api):
    case = make_case(world, status="in_progress")
    evidence = add_photo(world, case)
    api = staff_api(world.union_staff_fs)

    body = api.get(f"/api/v1/cases/{case.pk}").json()
    download = api.get(f"/api/v1/cases/{case.pk}/evidence/{evidence.pk}")

    assert body["handles"] is False
    assert body["applicant"]["name"] == "刘*"
    assert body["evidence"] == []
    assert all(e["internal_text"] == "" for e in body["timeline"])
    assert download.status_code == 404
    assert audited("case.evidence_view", case) == 0


def test_a_case_outside_the_scope_does_not_exist(world, staff_api):
    case = make_case(world)
    api = staff_api(world.mediator_sy)

    for method, url, body in [
        ("get", f"/api/v1/cases/{case.pk}", None),
        ("post", f"/api/v1/cases/{case.pk}/transitions", {"to": "accepted"}),
        ("post", f"/api/v1/cases/{case.pk}/unmask", {}),
        ("get", f"/api/v1/cases/{case.pk}/documents", None),
    ]:
        response = getattr(api, method)(url, body) if body is not None else api.get(url)
        assert response.status_code == 404, url
        assert "刘芳" not in response.content.decode()
    assert audited("case.view", case) == 0


def test_the_holder_unmasks_the_applicants_numbers_and_union_staff_may_not(world, staff_api):
    case = make_case(world)

    shown = staff_api(world.mediator_fs).post(f"/api/v1/cases/{case.pk}/unmask")
    refused = staff_api(world.union_staff_fs).post(f"/api/v1/cases/{case.pk}/unmask")

    assert shown.status_code == 200
    assert shown.json() == {"mobile": world.worker.mobile, "id_number": ""}
    assert shown["Cache-Control"] == "no-store"
    assert refused.status_code == 403
    assert refused.json()["message"] == "Only those holding the case may see the full number."
    assert audited("case.unmask", case) == 2  # the refusal is recorded too


# --- The workflow -----------------------------------------------------------------------------------


def test_the_mediator_takes_a_case_from_receipt_to_payment(world, staff_api, worker_api):
    case = make_case(world)
    api = staff_api(world.mediator_fs)
    url = f"/api/v1/cases/{case.pk}"

    assert api.post(f"{url}/transitions", {"to": "accepted"}).json()["status"] == "accepted"
    assigned = api.post(f"{url}/transitions", {"to": "assigned", "assignee_id": world.mediator_fs2.pk}).json()
    assert assigned["assignee"] == {"id": world.mediator_fs2.pk, "name": "房山调解员乙"}
    contact = api.post(f"{url}/contacts", {"channel": "phone", "party": "worker", "summary": "了解工作经历"})
    assert contact.status_code == 201
    assert contact.json()["logged_by"]["name"] == "房山调解员甲"
    api.post(f"{url}/contacts", {"channel": "meeting", "party": "employer", "summary": "公司同意支付"})
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    agreed = api.post(f"{url}/transitions", {"to": "agreed", "amount_agreed": "21673.30", "payment_due": due})
    assert agreed.status_code == 200, agreed.content
    assert agreed.json()["amounts"]["agreed"] == "21673.30"
    paid = api.post(f"{url}/payment", {"amount_paid": "21673.30"})
    assert paid.json()["amounts"] == {
        "claimed": "21673.30",
        "agreed": "21673.30",
        "paid": "21673.30",
        "payment_status": "paid",
        "payment_status_label": "Paid in full",
        "payment_due": due,
    }
    contacts = api.get(f"{url}/contacts").json()["items"]
    assert [c["summary"] for c in contacts] == ["公司同意支付", "了解工作经历"]
    timeline = worker_api(world.worker).get(f"/api/v1/me/cases/{case.pk}").json()["timeline"]
    # The worker reads it in their language (the default, Chinese), whatever the staff's.
    assert timeline[-1]["text"] == "用人单位已付清协议约定的21,673.30元。"


def test_an_illegal_move_is_409_with_both_states(world, staff_api):
    case = make_case(world)

    response = staff_api(world.mediator_fs).post(
        f"/api/v1/cases/{case.pk}/transitions", {"to": "agreed", "amount_agreed": "1.00"}
    )

    assert response.status_code == 409
    assert (
        response.json()["message"] == "A case that is “Received” cannot become “Closed: agreement reached”."
    )
    with scopes_disabled():
        assert Case.objects.get(pk=case.pk).status == "received"


def test_a_closed_case_refuses_every_change_with_409(world, staff_api):
    case = make_case(world, status="withdrawn")
    api = staff_api(world.mediator_fs)
    url = f"/api/v1/cases/{case.pk}"

    moved = api.post(f"{url}/transitions", {"to": "accepted"})
    contact = api.post(f"{url}/contacts", {"channel": "phone", "party": "worker", "summary": "x"})
    transferred = api.post(f"{url}/move", {"centre": world.mediation_sy.pk, "reason": "x"})

    assert [moved.status_code, contact.status_code, transferred.status_code] == [409, 409, 409]
    assert transferred.json()["message"] == "A closed case cannot be moved."


def test_transition_input_errors_are_on_their_fields(world, staff_api):
    received = make_case(world)
    accepted = make_case(world, status="in_progress")
    api = staff_api(world.mediator_fs)

    declined = api.post(f"/api/v1/cases/{received.pk}/transitions", {"to": "declined"})
    unknown = api.post(f"/api/v1/cases/{received.pk}/transitions", {"to": "closed"})
    three_decimals = api.post(
        f"/api/v1/cases/{accepted.pk}/transitions",
        {"to": "agreed", "amount_agreed": "100.005", "payment_due": timezone.localdate().isoformat()},
    )
    nobody = make_case(world, status="accepted")
    assign_nobody = api.post(
        f"/api/v1/cases/{nobody.pk}/transitions", {"to": "assigned", "assignee_id": 999999}
    )
    assign_officer = api.post(
        f"/api/v1/cases/{nobody.pk}/transitions", {"to": "assigned", "assignee_id": world.officer_fs.pk}
    )

    assert declined.json()["fields"] == {"body.reason": ["Give the reason; the worker is told it."]}
    assert list(unknown.json()["fields"]) == ["body.to"]
    assert three_decimals.json()["fields"] == {
        "body.amount_agreed": ["An amount has at most two decimals (fen)."]
    }
    assert assign_nobody.json()["fields"] == {"body.assignee_id": ["No staff member with this id exists."]}
    assert list(assign_officer.json()["fields"]) == ["body.assignee_id"]


def test_union_staff_read_but_may_not_act_403(world, staff_api):
    case = make_case(world, status="in_progress")
    api = staff_api(world.union_staff_fs)
    url = f"/api/v1/cases/{case.pk}"

    for path, body in [
        ("transitions", {"to": "withdrawn", "reason": "x"}),
        ("contacts", {"channel": "phone", "party": "worker", "summary": "x"}),
        ("material-request", {"items": "x", "due": (timezone.localdate() + timedelta(days=5)).isoformat()}),
        ("move", {"centre": world.mediation_sy.pk, "reason": "x"}),
        ("shares", {"recipient": "x", "purpose": "y"}),
        ("documents", {"kind": "mediation_application"}),
    ]:
        response = api.post(f"{url}/{path}", body)
        assert response.status_code == 403, path
        assert response.json()["message"] == "Only the centre handling this case may do this."
    assert api.get(f"{url}/contacts").status_code == 403
    with scopes_disabled():
        assert Case.objects.get(pk=case.pk).status == "in_progress"


def test_material_is_requested_once(world, staff_api, worker_api):
    case = make_case(world, kind="legal_aid", status="accepted")
    api = staff_api(world.officer_sy)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()

    first = api.post(f"/api/v1/cases/{case.pk}/material-request", {"items": "劳动合同、工资条", "due": due})
    second = api.post(f"/api/v1/cases/{case.pk}/material-request", {"items": "身份证", "due": due})
    past = make_case(world, kind="legal_aid")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    dated = api.post(f"/api/v1/cases/{past.pk}/material-request", {"items": "x", "due": yesterday})

    assert first.status_code == 201
    assert first.json()["items"] == "劳动合同、工资条"
    assert second.status_code == 409
    assert dated.json()["fields"] == {"body.due": ["Give the worker a date after today."]}
    mine = worker_api(world.worker).get(f"/api/v1/me/cases/{case.pk}").json()
    assert mine["material_request"]["due"] == due


def test_a_payment_above_the_agreement_is_refused(world, staff_api):
    case = make_case(world, status="agreed")

    response = staff_api(world.mediator_fs).post(f"/api/v1/cases/{case.pk}/payment", {"amount_paid": "30000"})

    assert response.status_code == 422
    assert response.json()["fields"] == {"body.amount_paid": ["More than the 21,673.30 yuan agreed."]}


def test_a_case_moves_to_another_centre_and_leaves_the_old_queue(world, staff_api, worker_api):
    case = make_case(world, status="assigned")
    api = staff_api(world.mediator_fs)

    nowhere = api.post(f"/api/v1/cases/{case.pk}/move", {"centre": world.tree.union_a.pk, "reason": "x"})
    response = api.post(
        f"/api/v1/cases/{case.pk}/move", {"centre": world.mediation_sy.pk, "reason": "用人单位实际在顺义"}
    )

    assert nowhere.json()["fields"] == {"body.centre": ["No mediation or legal-service centre has this id."]}
    assert response.status_code == 200
    assert response.json()["centre"]["name"] == "顺义区劳动争议调解中心"
    assert response.json()["status"] == "accepted"
    assert api.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert [c["id"] for c in staff_api(world.mediator_sy).get("/api/v1/cases").json()["items"]] == [case.pk]
    timeline = worker_api(world.worker).get(f"/api/v1/me/cases/{case.pk}").json()["timeline"]
    assert timeline[-1]["text"] == "您的案件已由房山区劳动争议调解中心移送至顺义区劳动争议调解中心。"


def test_the_holder_asks_consent_to_share(world, staff_api):
    case = make_case(world, status="not_agreed")

    response = staff_api(world.mediator_fs).post(
        f"/api/v1/cases/{case.pk}/shares",
        {"recipient": "房山区劳动人事争议仲裁委员会", "purpose": "申请仲裁"},
    )
    empty = staff_api(world.mediator_fs).post(
        f"/api/v1/cases/{case.pk}/shares", {"recipient": "", "purpose": ""}
    )

    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert set(empty.json()["fields"]) == {"body.recipient", "body.purpose"}


def test_the_holder_downloads_evidence_and_it_is_audited(world, staff_api):
    case = make_case(world, status="in_progress")
    evidence = add_photo(world, case)

    response = staff_api(world.mediator_fs).get(f"/api/v1/cases/{case.pk}/evidence/{evidence.pk}")

    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")
    assert audited("case.evidence_view", case) == 1


def test_the_documents_list_is_empty_until_one_is_produced(world, staff_api):
    case = make_case(world)

    response = staff_api(world.union_staff_fs).get(f"/api/v1/cases/{case.pk}/documents")

    assert response.status_code == 200
    assert response.json() == {"items": []}


# --- Numbers and routing ---------------------------------------------------------------------------


def test_numbers_count_the_cases_the_caller_sees(world, staff_api):
    make_case(world, status="paid")
    make_case(world)
    make_case(world, employer=world.employer_sy)

    body = staff_api(world.mediator_fs).get("/api/v1/cases/numbers").json()
    other = staff_api(world.mediator_fs).get("/api/v1/cases/numbers", {"centre": world.mediation_sy.pk})

    assert body["total"] == 2
    assert body["by_kind"]["mediation"] == 2
    assert body["agreements"] == 1
    assert body["amount_claimed"] == "43346.60"
    assert body["amount_paid"] == "21673.30"
    assert body["paid_in_full"] == 1
    assert other.status_code == 422
    assert list(other.json()["fields"]) == ["query.centre"]


def test_routing_rules_are_for_those_who_route(world, staff_api, personas, worker_api):
    admin = staff_api(personas["city_admin"])

    created = admin.post(
        "/api/v1/cases/routing-rules",
        {"kind": "mediation", "region_prefix": "110113", "centre": world.mediation_fs.pk, "note": "试点"},
    )
    listed = admin.get("/api/v1/cases/routing-rules").json()["items"]
    # A district's administrator keeps the routing of their district only: not 顺义's employers, and
    # not a centre outside their subtree.
    district = staff_api(personas["fangshan_admin"])
    pulled = district.post(
        "/api/v1/cases/routing-rules",
        {"kind": "mediation", "region_prefix": "110113", "centre": world.mediation_fs.pk},
    )
    outside = district.post(
        "/api/v1/cases/routing-rules", {"region_prefix": "110111", "centre": world.mediation_sy.pk}
    )
    mediator = staff_api(world.mediator_fs).get("/api/v1/cases/routing-rules")
    # The rule now routes a 顺义 employer's mediation to 房山.
    routed = worker_api(world.worker).post("/api/v1/cases", {**_application(world)})

    assert created.status_code == 201, created.content
    assert created.json()["centre"]["name"] == "房山区劳动争议调解中心"
    assert [r["region_prefix"] for r in listed] == ["110113"]
    assert pulled.status_code == 422 and list(pulled.json()["fields"]) == ["body.region_prefix"]
    assert outside.json()["fields"] == {"body.centre": ["No organisation with this id exists."]}
    assert mediator.status_code == 403
    assert routed.json()["centre"]["id"] == world.mediation_fs.pk
    deleted = admin.delete(f"/api/v1/cases/routing-rules/{created.json()['id']}")
    assert deleted.status_code == 204
    with scopes_disabled():
        assert RoutingRule.objects.count() == 0


def _application(world) -> dict:
    from tests.factories.cases import application_data

    return application_data(employer=world.employer_sy)


# --- Documents ---------------------------------------------------------------------------------------


def test_the_mediator_produces_the_agreement_and_union_staff_only_list_it(world, staff_api):
    case = make_case(world, status="agreed")
    mediator = staff_api(world.mediator_fs)

    created = mediator.post(f"/api/v1/cases/{case.pk}/documents", {"kind": "mediation_agreement"})
    again = mediator.post(f"/api/v1/cases/{case.pk}/documents", {"kind": "mediation_agreement"})
    listed = staff_api(world.union_staff_fs).get(f"/api/v1/cases/{case.pk}/documents").json()["items"]
    # The papers print the ID number and mobile in full: union staff who only read cases see that
    # they exist, and cannot download them.
    refused = staff_api(world.union_staff_fs).get(f"/api/v1/cases/{case.pk}/documents/{created.json()['id']}")
    pdf = staff_api(world.mediator_fs).get(f"/api/v1/cases/{case.pk}/documents/{created.json()['id']}")

    assert created.status_code == 201, created.content
    assert (created.json()["kind"], created.json()["version"]) == ("mediation_agreement", 1)
    assert again.json()["version"] == 2
    assert [(d["kind"], d["version"]) for d in listed] == [
        ("mediation_agreement", 2),
        ("mediation_agreement", 1),
    ]
    assert refused.status_code == 404
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert case.number in pdf["Content-Disposition"]
    assert audited("case.document_view", case) == 1


def test_a_document_the_case_cannot_have_yet_is_409(world, staff_api):
    case = make_case(world, status="in_progress")

    response = staff_api(world.mediator_fs).post(
        f"/api/v1/cases/{case.pk}/documents", {"kind": "mediation_agreement"}
    )
    unknown = staff_api(world.mediator_fs).post(f"/api/v1/cases/{case.pk}/documents", {"kind": "letter"})

    assert response.status_code == 409
    assert response.json()["message"] == "This case cannot have the Mediation agreement now."
    assert list(unknown.json()["fields"]) == ["body.kind"]


def test_a_document_of_a_case_outside_the_scope_does_not_exist(world, staff_api):
    case = make_case(world, status="agreed")
    document_id = (
        staff_api(world.mediator_fs)
        .post(f"/api/v1/cases/{case.pk}/documents", {"kind": "mediation_application"})
        .json()["id"]
    )

    response = staff_api(world.mediator_sy).get(f"/api/v1/cases/{case.pk}/documents/{document_id}")

    assert response.status_code == 404
    assert audited("case.document_view", case) == 0
