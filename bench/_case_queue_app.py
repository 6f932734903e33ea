"""The WSGI application ``bench/case_queue.py`` serves: smartunion itself, plus stand-ins for the
case queue's two pages while they are not on the benchmarked branch. Loaded only by the benchmark's
gunicorn (``--pythonpath bench _case_queue_app:application``); nothing in smartunion imports it.

- ``GET /api/v1/bench/cases`` stands in for ``GET /api/v1/cases`` (the API's queue): the same
  middleware and token authentication (django-ninja with the API's ``BearerToken``), the same
  selector (``cases.selectors.case_queue`` with ``QueueFilters``), keyset pages in the queue's
  order with sealed cursors (``api.pagination.keyset_page``), and a row per case as the API's
  ``CaseRowOut`` gives it (the applicant's name in full or masked, the centre, the assignee, the
  nearest clock).
- ``GET /bench/console/cases/`` stands in for the console's queue page: session sign-in and the
  console's middleware, the same selector and page, the rows rendered by a Django template.

Once the real routes exist, the benchmark measures them instead (it says which in its output).
"""

from __future__ import annotations

import os
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = __name__

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import include, path  # noqa: E402
from ninja import NinjaAPI, Query, Schema  # noqa: E402

from smartunion.api.pagination import keyset_page  # noqa: E402
from smartunion.api.security import BearerToken  # noqa: E402
from smartunion.cases.models import NO_CLOCK  # noqa: E402
from smartunion.cases.policies import can_handle_case, can_view_cases  # noqa: E402
from smartunion.cases.selectors import QUEUE_ORDER, QueueFilters, case_queue  # noqa: E402

api = NinjaAPI(urls_namespace="bench_api", docs_url=None, openapi_url=None, auth=BearerToken())


class RefOut(Schema):
    id: int
    name: str


class RowOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    centre: RefOut
    applicant_name: str
    employer_name: str
    assignee: RefOut | None
    next_clock: date | None
    next_clock_kind: str
    days_to_clock: int | None
    is_urgent: bool
    amount_claimed: str


class PageOut(Schema):
    items: list[RowOut]
    next_cursor: str | None


def _row(user, case) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "kind": case.kind,
        "status": case.status,
        "centre": {"id": case.org_id, "name": case.org.name},
        "applicant_name": case.applicant_name if can_handle_case(user, case) else case.applicant_name_masked,
        "employer_name": case.employer_name,
        "assignee": {"id": case.assignee.pk, "name": str(case.assignee)} if case.assignee else None,
        "next_clock": None if case.next_clock == NO_CLOCK else case.next_clock,
        "next_clock_kind": case.next_clock_kind,
        "days_to_clock": case.days_to_clock,
        "is_urgent": case.is_urgent,
        "amount_claimed": f"{case.amount_claimed:.2f}",
    }


def _filters(request: HttpRequest) -> QueueFilters:
    get = request.GET
    return QueueFilters(
        view=get.get("view", "centre"), status=get.get("status", "open"), clock=get.get("clock", "")
    )


@api.get("/cases", response=PageOut)
def api_queue(request: HttpRequest, limit: int = Query(50, ge=1, le=200), cursor: str | None = None):
    user = request.auth
    if not can_view_cases(user):
        return api.create_response(request, {"code": "forbidden"}, status=403)
    items, next_cursor = keyset_page(
        case_queue(user=user, filters=_filters(request)),
        order=QUEUE_ORDER,
        limit=limit,
        cursor=cursor,
        seal="cases.queue",
    )
    return {"items": [_row(user, case) for case in items], "next_cursor": next_cursor}


PAGE = engines["django"].from_string(
    """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>调解案件</title></head><body>
<table><thead><tr><th>案号</th><th>申请人</th><th>用人单位</th><th>状态</th><th>承办人</th><th>期限</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/console/cases/{{ row.id }}/">{{ row.number }}</a></td><td>{{ row.applicant_name }}</td>
<td>{{ row.employer_name }}</td><td>{{ row.status }}</td><td>{{ row.assignee.name|default:"—" }}</td>
<td>{{ row.next_clock|default:"—" }} {{ row.next_clock_kind }}{% if row.is_urgent %} 紧急{% endif %}</td></tr>
{% endfor %}</tbody></table>{% if next_cursor %}<a href="?cursor={{ next_cursor|urlencode }}">下一页</a>{% endif %}
</body></html>"""
)


def console_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated or not request.session.get("otp_verified") or not can_view_cases(user):
        return HttpResponse(status=403)
    items, next_cursor = keyset_page(
        case_queue(user=user, filters=_filters(request)),
        order=QUEUE_ORDER,
        limit=min(int(request.GET.get("size", 50)), 100),
        cursor=request.GET.get("cursor"),
        seal="cases.queue",
    )
    rows = [_row(user, case) for case in items]
    return HttpResponse(PAGE.render({"rows": rows, "next_cursor": next_cursor}, request))


urlpatterns = [
    path("api/v1/bench/", api.urls),
    path("bench/console/cases/", console_queue),
    path("", include("smartunion.urls")),
]
