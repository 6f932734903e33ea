"""Scope rows of the cases API (/api/v1/cases…, /api/v1/me/cases…).

The objects (``OBJECTS``, made by ``case_objects`` when a row names ``apicase_``): the case world of
tests/factories/cases.py on the matrix's tree; ``apicase_fs``, a mediation case in progress at
房山's mediation centre, applied for by ``apicase_owner`` (applicant 矩阵甲申请人) with an evidence
file, a document and a sharing request; ``apicase_closed``, the owner's case closed with an
agreement; ``apicase_sy``, ``apicase_stranger``'s case at 顺义 (矩阵乙申请人); routing rules of 房山's
and 顺义's centres.

Who: ``apicase_mediator_fs`` holds 房山's mediation cases, ``apicase_mediator_sy`` 顺义's;
``fangshan_staff`` (union staff, ``cases.view`` on 房山) reads 房山's cases but may not act (403),
never sees evidence (404) nor the applicant's full name; ``shunyi_staff`` sees none of 房山's (404);
``union_a_staff`` has no case flag (403 on the lists); ``fangshan_admin`` routes 房山's centres.
"""

from __future__ import annotations

import io

from PIL import Image

from smartunion.cases.services import document_generate, evidence_add, routing_rule_create, share_request
from smartunion.core.scoping import scopes_disabled
from tests.factories.cases import make_case, make_case_world
from tests.scope.rows import Row

FS_NAME = "矩阵甲申请人"
SY_NAME = "矩阵乙申请人"


def case_objects(tree, personas) -> dict:
    world = make_case_world(tree)
    fs = make_case(world, status="in_progress", name=FS_NAME)
    photo = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(photo, format="PNG")
    photo.seek(0)
    photo.name, photo.size = "矩阵证据.png", len(photo.getvalue())
    with scopes_disabled():  # system work: an administrator's rules, made before the request
        rule = routing_rule_create(
            actor=None,
            kind="mediation",
            region_prefix="110112",
            industry="",
            centre=world.mediation_fs,
            note="矩阵规则房山",
        )
        rule_sy = routing_rule_create(
            actor=None,
            kind="mediation",
            region_prefix="110114",
            industry="",
            centre=world.mediation_sy,
            note="矩阵规则顺义",
        )
    return {
        "apicase_rule": rule,
        "apicase_rule_sy": rule_sy,
        "apicase_owner": world.worker,
        "apicase_stranger": world.other_worker,
        "apicase_mediator_fs": world.mediator_fs,
        "apicase_mediator_sy": world.mediator_sy,
        "apicase_mediation_sy": world.mediation_sy,
        "apicase_fs": fs,
        "apicase_closed": make_case(world, status="agreed", name=FS_NAME),
        "apicase_sy": make_case(world, worker=world.other_worker, employer=world.employer_sy, name=SY_NAME),
        "apicase_fs_evidence": evidence_add(
            case=fs, actor=world.worker, upload=photo, description="矩阵证据"
        ),
        "apicase_fs_document": document_generate(
            case=fs, kind="mediation_application", actor=world.mediator_fs
        ),
        "apicase_fs_share": share_request(
            case=fs, actor=world.mediator_fs, recipient="矩阵仲裁委员会", purpose="仲裁"
        ),
    }


OBJECTS = {"apicase_": case_objects}

FS = "/api/v1/cases/{apicase_fs.pk}"
MINE = "/api/v1/me/cases/{apicase_fs.pk}"
FS_NUMBER = "{apicase_fs.number}"
SY_NUMBER = "{apicase_sy.number}"
TO_WITHDRAWN = (("to", "withdrawn"), ("reason", "矩阵撤回"))
CONTACT = (("channel", "phone"), ("party", "worker"), ("summary", "矩阵联系"))
MATERIAL = (("items", "劳动合同"), ("due", "2099-01-01"))
MOVE = (("centre", "{apicase_mediation_sy.pk}"), ("reason", "矩阵移送"))
SHARE = (("recipient", "矩阵仲裁委员会"), ("purpose", "仲裁"))
DOCUMENT = (("kind", "mediation_application"),)
RULE_FS = (("kind", "mediation"), ("region_prefix", "110111004"), ("centre", "{mediation_fs.pk}"))
RULE_SY = (("kind", "mediation"), ("region_prefix", "110115"), ("centre", "{apicase_mediation_sy.pk}"))


def api(persona, method, route, expected, target="", body=(), **kwargs) -> Row:
    return Row(persona, "api", method, route, expected, target, body, **kwargs)


MATRIX = [
    # --- applying ---------------------------------------------------------------------------------
    api("anonymous", "POST", "/api/v1/cases", 401, "apicase_fs", counted="Case"),
    api(
        "apicase_owner",
        "POST",
        "/api/v1/cases",
        422,
        "apicase_fs",
        (("kind", "mediation"),),
        refused=True,
        counted="Case",
    ),
    # --- the worker's own cases ---------------------------------------------------------------
    api(
        "apicase_owner",
        "GET",
        "/api/v1/me/cases",
        200,
        "apicase_sy",
        visible=(FS_NUMBER,),
        hidden=(SY_NUMBER,),
    ),
    api("anonymous", "GET", "/api/v1/me/cases", 401, "apicase_fs", hidden=(FS_NUMBER,)),
    api("fangshan_staff", "GET", "/api/v1/me/cases", 403, "apicase_fs", hidden=(FS_NUMBER,)),
    api("apicase_owner", "GET", MINE, 200, "apicase_fs", visible=(FS_NUMBER,)),
    api("apicase_stranger", "GET", MINE, 404, "apicase_fs", hidden=(FS_NUMBER,)),
    api("city_admin", "GET", MINE, 403, "apicase_fs", hidden=(FS_NUMBER,)),
    api("anonymous", "POST", MINE + "/evidence", 401, "apicase_fs", counted="Evidence"),
    # A JSON body has no file: refused before the case is looked up, nothing stored.
    api("apicase_stranger", "POST", MINE + "/evidence", 422, "apicase_fs", refused=True, counted="Evidence"),
    api("apicase_owner", "GET", MINE + "/evidence/{apicase_fs_evidence.pk}", 200, "apicase_fs_evidence"),
    api("apicase_stranger", "GET", MINE + "/evidence/{apicase_fs_evidence.pk}", 404, "apicase_fs_evidence"),
    api("fangshan_staff", "GET", MINE + "/evidence/{apicase_fs_evidence.pk}", 403, "apicase_fs_evidence"),
    api("apicase_owner", "GET", MINE + "/documents/{apicase_fs_document.pk}", 200, "apicase_fs_document"),
    api("apicase_stranger", "GET", MINE + "/documents/{apicase_fs_document.pk}", 404, "apicase_fs_document"),
    api("fangshan_staff", "GET", MINE + "/documents/{apicase_fs_document.pk}", 403, "apicase_fs_document"),
    api("anonymous", "GET", MINE + "/documents/{apicase_fs_document.pk}", 401, "apicase_fs_document"),
    api(
        "apicase_owner",
        "POST",
        "/api/v1/me/cases/{apicase_closed.pk}/rating",
        200,
        "apicase_closed",
        (("rating", "satisfied"),),
    ),
    api(
        "apicase_stranger",
        "POST",
        "/api/v1/me/cases/{apicase_closed.pk}/rating",
        404,
        "apicase_closed",
        (("rating", "dissatisfied"),),
    ),
    api(
        "apicase_owner",
        "POST",
        MINE + "/shares/{apicase_fs_share.pk}",
        200,
        "apicase_fs_share",
        (("consent", "true"),),
    ),
    api(
        "apicase_stranger",
        "POST",
        MINE + "/shares/{apicase_fs_share.pk}",
        404,
        "apicase_fs_share",
        (("consent", "false"),),
    ),
    # --- the queue -----------------------------------------------------------------------------
    api(
        "apicase_mediator_fs",
        "GET",
        "/api/v1/cases",
        200,
        "apicase_sy",
        visible=(FS_NUMBER, FS_NAME),
        hidden=(SY_NUMBER,),
    ),
    api(
        "apicase_mediator_sy",
        "GET",
        "/api/v1/cases",
        200,
        "apicase_fs",
        visible=(SY_NUMBER,),
        hidden=(FS_NUMBER,),
    ),
    # Union staff read their subtree's queue with the applicant's name masked.
    api(
        "fangshan_staff",
        "GET",
        "/api/v1/cases",
        200,
        "apicase_sy",
        visible=(FS_NUMBER,),
        hidden=(FS_NAME, SY_NUMBER),
    ),
    api("union_a_staff", "GET", "/api/v1/cases", 403, "apicase_fs", hidden=(FS_NUMBER,)),
    api("apicase_owner", "GET", "/api/v1/cases", 403, "apicase_fs"),
    api("anonymous", "GET", "/api/v1/cases", 401, "apicase_fs"),
    # --- a case --------------------------------------------------------------------------------
    api("apicase_mediator_fs", "GET", FS, 200, "apicase_fs", visible=(FS_NAME,)),
    api(
        "fangshan_staff", "GET", FS, 200, "apicase_fs", visible=(FS_NUMBER,), hidden=(FS_NAME, "矩阵证据.png")
    ),
    api("shunyi_staff", "GET", FS, 404, "apicase_fs", hidden=(FS_NAME, FS_NUMBER)),
    api("apicase_mediator_sy", "GET", FS, 404, "apicase_fs", hidden=(FS_NAME, FS_NUMBER)),
    api("union_a_staff", "GET", FS, 404, "apicase_fs", hidden=(FS_NAME, FS_NUMBER)),
    api("apicase_owner", "GET", FS, 403, "apicase_fs"),
    api("apicase_mediator_fs", "POST", FS + "/unmask", 200, "apicase_fs"),
    api("fangshan_staff", "POST", FS + "/unmask", 403, "apicase_fs"),
    api("shunyi_staff", "POST", FS + "/unmask", 404, "apicase_fs"),
    api("apicase_mediator_fs", "POST", FS + "/transitions", 200, "apicase_fs", TO_WITHDRAWN),
    api(
        "apicase_mediator_fs",
        "POST",
        FS + "/transitions",
        409,
        "apicase_fs",
        (("to", "accepted"),),
        refused=True,
    ),
    api("fangshan_staff", "POST", FS + "/transitions", 403, "apicase_fs", TO_WITHDRAWN),
    api("shunyi_staff", "POST", FS + "/transitions", 404, "apicase_fs", TO_WITHDRAWN),
    api("apicase_mediator_fs", "POST", FS + "/contacts", 201, "apicase_fs", CONTACT),
    api("fangshan_staff", "POST", FS + "/contacts", 403, "apicase_fs", CONTACT, counted="Contact"),
    api("apicase_mediator_sy", "POST", FS + "/contacts", 404, "apicase_fs", CONTACT, counted="Contact"),
    api("apicase_mediator_fs", "GET", FS + "/contacts", 200, "apicase_fs", visible=("电话了解情况",)),
    api("fangshan_staff", "GET", FS + "/contacts", 403, "apicase_fs", hidden=("电话了解情况",)),
    api("shunyi_staff", "GET", FS + "/contacts", 404, "apicase_fs", hidden=("电话了解情况",)),
    api("apicase_mediator_fs", "POST", FS + "/material-request", 201, "apicase_fs", MATERIAL),
    # Nothing was requested of this case yet: the holder gets 409, everyone else never gets that far.
    api("apicase_mediator_fs", "POST", FS + "/material-request/supplied", 409, "apicase_fs"),
    api("fangshan_staff", "POST", FS + "/material-request/supplied", 403, "apicase_fs"),
    api("shunyi_staff", "POST", FS + "/material-request/supplied", 404, "apicase_fs"),
    api("anonymous", "POST", FS + "/material-request/supplied", 401, "apicase_fs"),
    api(
        "fangshan_staff",
        "POST",
        FS + "/material-request",
        403,
        "apicase_fs",
        MATERIAL,
        counted="MaterialRequest",
    ),
    api(
        "shunyi_staff",
        "POST",
        FS + "/material-request",
        404,
        "apicase_fs",
        MATERIAL,
        counted="MaterialRequest",
    ),
    api(
        "apicase_mediator_fs",
        "POST",
        "/api/v1/cases/{apicase_closed.pk}/payment",
        200,
        "apicase_closed",
        (("amount_paid", "100.00"),),
    ),
    api(
        "fangshan_staff",
        "POST",
        "/api/v1/cases/{apicase_closed.pk}/payment",
        403,
        "apicase_closed",
        (("amount_paid", "100.00"),),
    ),
    api(
        "shunyi_staff",
        "POST",
        "/api/v1/cases/{apicase_closed.pk}/payment",
        404,
        "apicase_closed",
        (("amount_paid", "100.00"),),
    ),
    api("apicase_mediator_fs", "POST", FS + "/move", 200, "apicase_fs", MOVE),
    api("fangshan_staff", "POST", FS + "/move", 403, "apicase_fs", MOVE),
    api("shunyi_staff", "POST", FS + "/move", 404, "apicase_fs", MOVE),
    api("apicase_mediator_fs", "POST", FS + "/shares", 201, "apicase_fs", SHARE),
    api("fangshan_staff", "POST", FS + "/shares", 403, "apicase_fs", SHARE, counted="Share"),
    api("shunyi_staff", "POST", FS + "/shares", 404, "apicase_fs", SHARE, counted="Share"),
    # Evidence: those holding the case; union staff who only read cases get 404, as anyone else.
    api("apicase_mediator_fs", "GET", FS + "/evidence/{apicase_fs_evidence.pk}", 200, "apicase_fs_evidence"),
    api("fangshan_staff", "GET", FS + "/evidence/{apicase_fs_evidence.pk}", 404, "apicase_fs_evidence"),
    api("shunyi_staff", "GET", FS + "/evidence/{apicase_fs_evidence.pk}", 404, "apicase_fs_evidence"),
    api(
        "fangshan_staff",
        "GET",
        FS + "/documents",
        200,
        "apicase_fs_document",
        visible=("mediation_application",),
    ),
    api(
        "shunyi_staff",
        "GET",
        FS + "/documents",
        404,
        "apicase_fs_document",
        hidden=("mediation_application",),
    ),
    api("apicase_mediator_fs", "POST", FS + "/documents", 201, "apicase_fs", DOCUMENT),
    api("fangshan_staff", "POST", FS + "/documents", 403, "apicase_fs", DOCUMENT, counted="CaseDocument"),
    api("shunyi_staff", "POST", FS + "/documents", 404, "apicase_fs", DOCUMENT, counted="CaseDocument"),
    # The PDFs print the ID number and mobile in full: for those holding the case only.
    api("fangshan_staff", "GET", FS + "/documents/{apicase_fs_document.pk}", 404, "apicase_fs_document"),
    api("shunyi_staff", "GET", FS + "/documents/{apicase_fs_document.pk}", 404, "apicase_fs_document"),
    api("apicase_owner", "GET", FS + "/documents/{apicase_fs_document.pk}", 403, "apicase_fs_document"),
    # --- numbers and routing ----------------------------------------------------------------------
    api("fangshan_staff", "GET", "/api/v1/cases/numbers", 200, "apicase_fs"),
    api("union_a_staff", "GET", "/api/v1/cases/numbers", 403, "apicase_fs"),
    api("anonymous", "GET", "/api/v1/cases/numbers", 401, "apicase_fs"),
    api(
        "fangshan_admin",
        "GET",
        "/api/v1/cases/routing-rules",
        200,
        "apicase_rule_sy",
        visible=("矩阵规则房山",),
        hidden=("矩阵规则顺义",),
    ),
    api(
        "fangshan_staff", "GET", "/api/v1/cases/routing-rules", 403, "apicase_rule", hidden=("矩阵规则房山",)
    ),
    api("fangshan_admin", "POST", "/api/v1/cases/routing-rules", 201, "apicase_rule", RULE_FS),
    # A centre outside the routing scope is no centre at all to this administrator.
    api(
        "fangshan_admin",
        "POST",
        "/api/v1/cases/routing-rules",
        422,
        "apicase_rule_sy",
        RULE_SY,
        refused=True,
        counted="RoutingRule",
    ),
    api(
        "fangshan_staff",
        "POST",
        "/api/v1/cases/routing-rules",
        403,
        "apicase_rule",
        RULE_FS,
        counted="RoutingRule",
    ),
    api("city_admin", "DELETE", "/api/v1/cases/routing-rules/{apicase_rule_sy.pk}", 204, "apicase_rule_sy"),
    api(
        "fangshan_admin", "DELETE", "/api/v1/cases/routing-rules/{apicase_rule_sy.pk}", 404, "apicase_rule_sy"
    ),
    api("fangshan_staff", "DELETE", "/api/v1/cases/routing-rules/{apicase_rule.pk}", 403, "apicase_rule"),
]
