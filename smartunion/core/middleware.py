from __future__ import annotations

import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    """A NUL character is never valid input; PostgreSQL refuses it in text, which would surface as a
    server error. Refuse the request up front with a clear 400 instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = _("The request contains an invalid character (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "bad_request", "message": message, "fields": {}}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
            content_type = request.META.get("CONTENT_TYPE", "")
            if content_type.startswith("application/json"):
                if b"\\u0000" not in request.body and b"\x00" not in request.body:
                    return False
                try:
                    return _contains_nul(json.loads(request.body))
                except ValueError:
                    return b"\x00" in request.body
            if request.method == "POST" and content_type.startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                return any("\x00" in value for values in request.POST.lists() for value in values[1])
        return False


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False
