"""The organisation tree, read-only (search and detail), and the enterprise register (search, read,
add, change and delete), within the caller's scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartunion.accounts.middleware import request_address
from smartunion.api.errors import error_responses
from smartunion.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from smartunion.api.schemas.orgs import (
    EnterpriseCreateIn,
    EnterpriseOut,
    EnterprisePage,
    EnterpriseUpdateIn,
    OrgDetailOut,
    OrgPage,
)
from smartunion.api.security import require_staff, scope_with_perm, staff_with_perm
from smartunion.core.errors import NotFound, ValidationFailed
from smartunion.orgs.models import Org, OrgKind
from smartunion.orgs.policies import (
    require_change_enterprise,
    require_delete_enterprise,
    require_view_enterprise,
    require_view_org,
)
from smartunion.orgs.selectors import enterprise_get, enterprise_search, org_ancestors, org_get, org_search
from smartunion.orgs.services import enterprise_create, enterprise_delete, enterprise_update

# --- The organisation tree -----------------------------------------------------------------------


orgs_router = Router(tags=["orgs"])
KIND_QUERY = Query(None, description="Only organisations of this kind.")


def org_reference(pk: int, *, field: str) -> Org:
    """An org named in the request's input: one the caller cannot see is a field error, like one
    that does not exist at all."""
    try:
        return org_get(pk=pk)
    except NotFound:
        raise ValidationFailed(fields={field: [_("No organisation with this id exists.")]}) from None


@orgs_router.get(
    "",
    response={200: OrgPage, **error_responses(401, 403, 422)},
    summary="Search organisations",
    operation_id="orgs_list",
)
def org_list(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Name (contains) or division code (prefix)."),
    parent: int | None = Query(None, description="Only this organisation's subtree (itself excluded)."),
    kind: OrgKind | None = KIND_QUERY,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=1000, description="`next_cursor` of the previous page."),
):
    """Organisations you may view, in tree order (each node before its children)."""
    user = request.auth
    staff_with_perm(user, "orgs.view")
    with scope_with_perm(user, "orgs.view"):
        parent_org = org_reference(parent, field="query.parent") if parent is not None else None
        qs = org_search(q=q, parent=parent_org, kind=kind or "")
        items, next_cursor = keyset_page(qs, order=("path",), limit=limit, cursor=cursor)
    return {"items": items, "next_cursor": next_cursor}


@orgs_router.get(
    "/{org_id}",
    response={200: OrgDetailOut, **error_responses(401, 403, 404)},
    summary="Get an organisation",
    operation_id="orgs_get",
)
def org_detail(request: HttpRequest, org_id: int):
    """One organisation, with the ancestors you can see. Outside your scope it does not exist (404)."""
    user = request.auth
    require_staff(user)
    org = org_get(pk=org_id)
    require_view_org(user, org)
    with scope_with_perm(user, "orgs.view"):
        org.ancestors = org_ancestors(org=org)
    return org


# --- The enterprise register ---------------------------------------------------------------------


enterprises_router = Router(tags=["enterprises"])


def _references(**refs: int | None) -> dict[str, Any]:
    """Resolve org ids from the body; every unknown one is reported at once."""
    found: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, pk in refs.items():
        if pk is None:
            found[name] = None
            continue
        try:
            found[name] = org_reference(pk, field=f"body.{name}")
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    return found


@enterprises_router.get(
    "",
    response={200: EnterprisePage, **error_responses(401, 403, 422)},
    summary="Search enterprises",
    operation_id="enterprises_list",
)
def enterprise_list(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Name or brand name (contains), or credit code (prefix)."),
    org: int | None = Query(
        None, description="Only enterprises kept or covered within this organisation's subtree."
    ),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=1000, description="`next_cursor` of the previous page."),
):
    """Enterprises you may view, by name."""
    user = request.auth
    staff_with_perm(user, "enterprises.view")
    with scope_with_perm(user, "enterprises.view"):
        org_node = org_reference(org, field="query.org") if org is not None else None
        qs = enterprise_search(q=q, org=org_node)
        items, next_cursor = keyset_page(qs, order=("name", "id"), limit=limit, cursor=cursor)
    return {"items": items, "next_cursor": next_cursor}


@enterprises_router.post(
    "",
    response={201: EnterpriseOut, **error_responses(401, 403, 422)},
    summary="Add an enterprise",
    operation_id="enterprises_create",
)
def enterprise_add(request: HttpRequest, payload: EnterpriseCreateIn):
    """Register an enterprise with the union node `org` that keeps its record. The credit code is
    checked (GB 32100-2015) and its characters 3 to 8 give the region code."""
    user = request.auth
    require_staff(user)
    data = payload.dict()
    refs = _references(org=data.pop("org"), covering_union=data.pop("covering_union"))
    enterprise = enterprise_create(
        actor=user,
        org=refs["org"],
        covering_union=refs["covering_union"],
        client_address=request_address(request),
        **data,
    )
    return Status(201, enterprise)


@enterprises_router.get(
    "/{enterprise_id}",
    response={200: EnterpriseOut, **error_responses(401, 403, 404)},
    summary="Get an enterprise",
    operation_id="enterprises_get",
)
def enterprise_detail(request: HttpRequest, enterprise_id: int):
    """One enterprise. Outside your scope it does not exist (404). You may read it with
    `enterprises.view` on its responsible union or on the union that covers it."""
    user = request.auth
    require_staff(user)
    enterprise = enterprise_get(pk=enterprise_id)
    require_view_enterprise(user, enterprise)
    return enterprise


@enterprises_router.patch(
    "/{enterprise_id}",
    response={200: EnterpriseOut, **error_responses(401, 403, 404, 422)},
    summary="Change an enterprise",
    operation_id="enterprises_update",
)
def enterprise_change(request: HttpRequest, enterprise_id: int, payload: EnterpriseUpdateIn):
    """Change the fields you send; the others stay as they are. `covering_union: null` removes the
    covering union. Needs `enterprises.change` on its responsible or its covering union."""
    user = request.auth
    require_staff(user)
    enterprise = enterprise_get(pk=enterprise_id)
    require_change_enterprise(user, enterprise)
    data = payload.dict(exclude_unset=True)
    if "covering_union" in data:
        data.update(_references(covering_union=data["covering_union"]))
    enterprise = enterprise_update(
        actor=user, enterprise=enterprise, client_address=request_address(request), **data
    )
    return enterprise


@enterprises_router.delete(
    "/{enterprise_id}",
    response={204: None, **error_responses(401, 403, 404)},
    summary="Delete an enterprise",
    operation_id="enterprises_delete",
)
def enterprise_remove(request: HttpRequest, enterprise_id: int):
    """Delete an enterprise from the register. The audit log keeps a record of it. Needs
    `enterprises.delete` on its responsible or its covering union."""
    user = request.auth
    require_staff(user)
    enterprise = enterprise_get(pk=enterprise_id)
    require_delete_enterprise(user, enterprise)
    enterprise_delete(actor=user, enterprise=enterprise, client_address=request_address(request))
    return Status(204, None)
