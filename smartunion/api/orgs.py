"""The organisation tree, read-only: search and detail within the caller's scope."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from smartunion.api.errors import error_responses
from smartunion.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from smartunion.api.schemas.orgs import OrgDetailOut, OrgPage
from smartunion.api.security import require_perm, require_staff, scope_with_perm, staff_with_perm
from smartunion.core.errors import NotFound, ValidationFailed
from smartunion.orgs.models import Org, OrgKind
from smartunion.orgs.selectors import org_ancestors, org_get, org_search

router = Router(tags=["orgs"])
KIND_QUERY = Query(None, description="Only organisations of this kind.")


def org_reference(pk: int, *, field: str) -> Org:
    """An org named in the request's input: one the caller cannot see is a field error, like one
    that does not exist at all."""
    try:
        return org_get(pk=pk)
    except NotFound:
        raise ValidationFailed(fields={field: [_("No organisation with this id exists.")]}) from None


@router.get(
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


@router.get(
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
    require_perm(user, "orgs.view", org)
    with scope_with_perm(user, "orgs.view"):
        org.ancestors = org_ancestors(org=org)
    return org
