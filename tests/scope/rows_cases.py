"""Scope rows of cases on the worker's side (the mobile web): a worker sees, changes and answers only
their own cases, drafts and files; visitors are sent to sign in, staff to the console; the lookup
by number shows nothing without the code sent to the applicant's mobile."""

from __future__ import annotations

from tests.scope.rows import Row

CASE = "/m/cases/{wcase_a.pk}/"

MATRIX = [
    # --- my cases: only the worker's own ------------------------------------------------------
    Row("worker_a", "mobile", "GET", "/m/cases/", 200, "wcase_a", visible=("{wcase_a.number}",)),
    Row("worker_b", "mobile", "GET", "/m/cases/", 200, "wcase_a", hidden=("{wcase_a.number}",), refused=True),
    Row("anonymous", "mobile", "GET", "/m/cases/", 302, "wcase_a", redirect="/m/login/"),
    Row("union_a_staff", "mobile", "GET", "/m/cases/", 403, "wcase_a", hidden=("{wcase_a.number}",)),
    # --- a case page and what is done on it: 404 for anyone but the applicant -----------------
    Row("worker_a", "mobile", "GET", CASE, 200, "wcase_a", visible=("{wcase_a.number}", "甲仲裁委")),
    Row("worker_b", "mobile", "GET", CASE, 404, "wcase_a", hidden=("{wcase_a.number}", "甲职工的案情")),
    Row("anonymous", "mobile", "GET", CASE, 302, "wcase_a", redirect="/m/login/"),
    Row("fangshan_admin", "mobile", "GET", CASE, 403, "wcase_a", hidden=("{wcase_a.number}",)),
    Row("worker_b", "mobile", "POST", CASE + "evidence/", 404, "wcase_a", counted="Evidence"),
    Row(
        "worker_b",
        "mobile",
        "GET",
        CASE + "evidence/{wcase_a_evidence.pk}/",
        404,
        "wcase_a_evidence",
        hidden=("甲职工的证据",),
    ),
    Row("anonymous", "mobile", "GET", CASE + "evidence/{wcase_a_evidence.pk}/", 302, "wcase_a_evidence"),
    Row("worker_b", "mobile", "GET", CASE + "documents/1/", 404, "wcase_a"),
    Row(
        "worker_b",
        "mobile",
        "POST",
        CASE + "shares/{wcase_a_share.pk}/",
        404,
        "wcase_a_share",
        (("answer", "consent"),),
        hidden=("甲仲裁委",),
    ),
    Row("worker_b", "mobile", "POST", CASE + "rate/", 404, "wcase_a", (("rating", "dissatisfied"),)),
    # --- applying: a worker's draft is theirs alone -------------------------------------------
    Row("worker_b", "mobile", "GET", "/m/cases/apply/", 200, "wcase_a_draft", refused=True),
    Row(
        "worker_b",
        "mobile",
        "GET",
        "/m/cases/apply/mediation/facts/",
        200,
        "wcase_a_draft",
        hidden=("甲草稿事实",),
        refused=True,
    ),
    Row(
        "worker_a",
        "mobile",
        "GET",
        "/m/cases/apply/mediation/facts/",
        200,
        "wcase_a_draft",
        visible=("甲草稿事实",),
    ),
    Row(
        "worker_b", "mobile", "POST", "/m/cases/apply/mediation/discard/", 302, "wcase_a_draft", refused=True
    ),
    Row("anonymous", "mobile", "GET", "/m/cases/apply/", 302, "wcase_a_draft", redirect="/m/login/"),
    Row("union_a_staff", "mobile", "GET", "/m/cases/apply/mediation/facts/", 403, "wcase_a_draft"),
    # --- the lookup: nothing without the code sent to the applicant's mobile ------------------
    Row("anonymous", "mobile", "GET", "/m/cases/lookup/", 200, "wcase_a", hidden=("{wcase_a.number}",)),
    Row(
        "anonymous",
        "mobile",
        "POST",
        "/m/cases/lookup/",
        200,
        "wcase_a",
        (("number", "{wcase_a.number}"), ("mobile", "{worker_a.mobile}"), ("code", "000000")),
        hidden=("甲职工的案情", "{wcase_a.employer_name}"),
        refused=True,
    ),
    Row("anonymous", "mobile", "GET", "/m/cases/lookup/{wcase_a.pk}/", 404, "wcase_a"),
    Row("worker_b", "mobile", "GET", "/m/cases/lookup/{wcase_a.pk}/", 404, "wcase_a"),
]
