"""/api/v1: the JSON API for the mini-program and apps. Token-only (no session, so no CSRF); its
OpenAPI document is /api/v1/openapi.json, and docs/api.md describes it for people. No Swagger UI:
it would load its scripts from a CDN, which the CSP and intranet deployments do not allow."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from smartunion.api import accounts, benefits, calculator, cases, members, members_worker, orgs, ping
from smartunion.api.errors import document_input_errors, install_error_handlers, method_not_allowed_as_error
from smartunion.api.security import BearerToken

api = NinjaAPI(
    title="smartunion API",
    version="1",
    description=(
        "Sign in with POST /auth/token, then send `Authorization: Bearer <token>`. Every error has "
        "the shape {code, message, fields}; messages are in Chinese unless the cookie "
        "`smartunion_language=en` is sent."
    ),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
    auth=BearerToken(),
)
install_error_handlers(api)
api.add_router("/auth", accounts.router)
api.add_router("/me", accounts.me_router)
api.add_router("/orgs", orgs.orgs_router)
api.add_router("/enterprises", orgs.enterprises_router)
api.add_router("/me", members_worker.router)
api.add_router("", members_worker.public_router)
api.add_router("/cards", members.cards_router)
api.add_router("/members", members.members_router)
api.add_router("/applications", members.applications_router)
api.add_router("/transfers", members.transfers_router)
api.add_router("/cases", cases.cases_router)
api.add_router("/me", cases.me_router)
api.add_router("/calculator", calculator.router)
api.add_router("/ping", ping.router)
api.add_router("/campaigns", benefits.campaigns_router)
api.add_router("/me", benefits.me_router)
api.add_router("/catalogue", benefits.catalogue_router)
api.add_router("/vouchers", benefits.clerk_router)
api.add_router("/breakfast", benefits.breakfast_router)
api.add_router("/staff", benefits.staff_router)
document_input_errors(api)


@csrf_exempt
def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/v1 answers in the error shape too."""
    return api.on_exception(request, Http404())


# (Not unpacked into module names: an ``app_name`` here would namespace this whole urlconf.)
_ninja_urls = api.urls
for _pattern in _ninja_urls[0]:
    _pattern.callback = method_not_allowed_as_error(api, _pattern.callback)

urlpatterns = [path("", _ninja_urls), re_path(r"^(?P<rest>.*)$", unknown_path)]
