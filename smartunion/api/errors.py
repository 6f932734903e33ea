"""One error shape for the whole API: ``{"code", "message", "fields"}``.

Domain errors keep their own status, code and message; ninja's own errors (validation,
authentication, 404, throttling) are turned into the same shape. Messages are localized in the
language the LanguageMiddleware activated (zh-Hans unless the client sent the language cookie).
Field paths name where the value came from: ``body.credit_code``, ``query.limit``, ``path.org_id``.
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from smartunion.api.schemas.common import ErrorOut
from smartunion.core.errors import DomainError

logger = logging.getLogger("smartunion.api")

SOURCES = ("body", "query", "path", "header", "cookie", "form", "file")
BODY_METHODS = {"POST", "PUT", "PATCH"}


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The ``response=`` entries that document the error shape for the given statuses."""
    return {status: ErrorOut for status in statuses}


def document_input_errors(api: NinjaAPI) -> None:
    """Document on every operation the answers ninja gives before its view runs, so a generated
    client knows them: 400 where the body is not JSON, 422 where a body, path or query value does
    not validate (a path id that is not an integer). Run once, after the routers are added; an
    operation that documents them itself keeps its own entry."""
    for _prefix, router in api._routers:  # ninja keeps the added routers here (1.x)
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                sources = {model.__ninja_param_source__ for model in operation.models}
                statuses = [400, 422] if "body" in sources else []
                if sources & {"path", "query"}:
                    statuses.append(422)
                for status in statuses:
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(ErrorOut)


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    response = api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="smartunion"'
    return response


def field_path(name: str, request: HttpRequest) -> str:
    """Services name their fields bare (``credit_code``); the API says where they came from."""
    if name.split(".", 1)[0] in SOURCES:
        return name
    source = "body" if request.method in BODY_METHODS else "query"
    return f"{source}.{name}"


def _domain_error(request: HttpRequest, exc: DomainError, api: NinjaAPI) -> HttpResponse:
    fields = {field_path(name, request): messages for name, messages in exc.fields.items()}
    response = error_response(
        api, request, status=exc.status, code=exc.code, message=exc.message, fields=fields
    )
    if exc.status == 429:
        response["Retry-After"] = str(getattr(exc, "retry_after", None) or settings.LOCKOUT_WINDOW_SECONDS)
    return response


# pydantic error type → our message; the English msgids are translated in api/locale.
def _validation_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not part of the request.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind == "string_type":
        return _("Enter text.")
    if kind in {"datetime_parsing", "datetime_type", "datetime_from_date_parsing"}:
        return _("Enter a date and time.")
    if kind == "string_too_long":
        return _("Enter at most %(n)d characters.") % {"n": ctx.get("max_length", 0)}
    if kind == "string_too_short":
        return _("Enter at least %(n)d characters.") % {"n": ctx.get("min_length", 0)}
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return _("Enter a number no smaller than %(n)s.") % {"n": limit}
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return _("Enter a number no greater than %(n)s.") % {"n": limit}
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in {"model_attributes_type", "dict_type", "model_type"}:
        return _("Send a JSON object.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return _("This value is not valid.")


def _loc_path(loc: tuple | list) -> str:
    parts = [str(p) for p in loc]
    # ninja puts the body parameter's own name second (body.payload.name): clients never see it.
    if len(parts) >= 2 and parts[0] == "body":
        parts = [parts[0], *parts[2:]]
    return ".".join(parts)


def _validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_loc_path(error.get("loc", ())), []).append(_validation_message(error))
    return error_response(
        api,
        request,
        status=422,
        code="validation_error",
        message=_("Some fields are not valid."),
        fields=fields,
    )


def _authentication_error(request: HttpRequest, exc: AuthenticationError, api: NinjaAPI) -> HttpResponse:
    return error_response(
        api,
        request,
        status=401,
        code="unauthorized",
        message=_("Sign in first: send a valid, unexpired token as “Authorization: Bearer <token>”."),
    )


def _authorization_error(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return error_response(
        api, request, status=403, code="forbidden", message=_("You are not allowed to do this.")
    )


def _not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return error_response(api, request, status=404, code="not_found", message=_("Not found."))


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    if exc.status_code == 400:
        return error_response(
            api,
            request,
            status=400,
            code="bad_request",
            message=_(
                "The request body could not be read: send a JSON object with Content-Type: application/json."
            ),
        )
    if exc.status_code == 429:
        return error_response(
            api, request, status=429, code="throttled", message=_("Too many requests. Try again later.")
        )
    return error_response(
        api, request, status=exc.status_code, code="error", message=_("The request could not be handled.")
    )


def _unexpected(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return error_response(
        api,
        request,
        status=500,
        code="server_error",
        message=_("Something went wrong on our side. Please try again later."),
    )


def install_error_handlers(api: NinjaAPI) -> None:
    handlers = {
        DomainError: _domain_error,
        ValidationError: _validation_error,
        AuthenticationError: _authentication_error,
        AuthorizationError: _authorization_error,
        PermissionDenied: _authorization_error,
        Http404: _not_found,
        HttpError: _http_error,
        Exception: _unexpected,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, lambda request, exc, handler=handler: handler(request, exc, api))


def method_not_allowed_as_error(api: NinjaAPI, view):
    """ninja answers an unsupported method with a bare 405; give it the error shape too."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "application/json" not in response.get("Content-Type", ""):
            allowed = response["Allow"]
            response = error_response(
                api,
                request,
                status=405,
                code="method_not_allowed",
                message=_("This method is not allowed here."),
            )
            response["Allow"] = allowed
        return response

    return wrapper
