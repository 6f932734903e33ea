"""Answers built as plain data in their schema's shape, for hot paths where a model per row costs
more than the rest of the answer (the member search, bench/member_search.py).

Rendered exactly as NinjaAPI renders every answer (its JSONRenderer, the same content type). The
operation still declares its response schema for the OpenAPI document; the tests hold the plain
data to that schema, since django-ninja does not check an HttpResponse."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja.renderers import JSONRenderer

_RENDERER = JSONRenderer()
_CONTENT_TYPE = f"{_RENDERER.media_type}; charset={_RENDERER.charset}"


def prebuilt_response(data: Any, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        _RENDERER.render(None, data, response_status=status),  # type: ignore[arg-type]
        status=status,
        content_type=_CONTENT_TYPE,
    )
