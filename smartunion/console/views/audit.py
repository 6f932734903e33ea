"""The audit log, for those who hold ``audit.view``: filters and keyset pages, newest first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from smartunion.accounts.models import Role, User
from smartunion.accounts.permissions import orgs_with_perm_paths, scope_with_perm
from smartunion.accounts.selectors import roles_by_code, staff_names_by_id
from smartunion.console.forms.audit import AuditFilterForm
from smartunion.console.helpers import picked, render_page, staff_required
from smartunion.core.audit_log import audit_event_list, audit_event_page
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import Scope
from smartunion.members.models import Membership, Person, Transfer
from smartunion.orgs.models import Enterprise, Org


@dataclass(frozen=True)
class Shown:
    """How the log shows an actor or an object: a name, linked where the viewer may open it."""

    text: str
    url: str = ""
    detail: str = ""


# Records name people only by number (core.audit keeps personal data out of the chain); the page
# puts the name back for a viewer who may see that person, and a generic label for anyone else.
OUT_OF_VIEW = {
    "person": _("A member you cannot view"),
    "worker": _("A worker you cannot view"),
    "org": _("An organisation you cannot view"),
    "enterprise": _("An enterprise you cannot view"),
    "transfer": _("A transfer you cannot view"),
}


def _ids(values) -> set[int]:
    return {int(v) for v in values if isinstance(v, int) or (isinstance(v, str) and v.isdigit())}


def _in_view(
    user, perm: str, model, ids: set[int], *, key: str = "pk", related: tuple[str, ...] = ()
) -> dict:
    """The rows among ``ids`` in the subtrees where ``user`` holds ``perm``: the same scope the
    page the link opens applies, so no link ends in a 404. (The queryset is built inside the scope:
    a scoped manager filters when it is called.)"""
    if not ids:
        return {}
    with scope_with_perm(user, perm):
        rows = model.objects.select_related(*related).filter(**{f"{key}__in": ids})
        return {getattr(row, key): row for row in rows}


def _subjects(events: list[AuditEvent], user) -> None:
    """Give each event ``shown_actor`` and ``shown_object``: a fixed number of queries per page."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for e in events:
        by_type[e.object_type].update(_ids([e.object_id]))
        if e.actor_label.startswith("worker#"):
            by_type["worker"].update(_ids([e.actor_id]))
        if e.object_type == "accounts.rolegrant":
            by_type["grant.user"].update(_ids([e.data.get("user")]))
    by_type["worker"] |= by_type["accounts.user"]
    people = _in_view(user, "members.view", Person, by_type["members.person"])
    workers = _in_view(user, "members.view", Person, by_type["worker"], key="user_id")
    related = ("person",)
    memberships = _in_view(user, "members.view", Membership, by_type["members.membership"], related=related)
    transfers = _in_view(user, "members.view", Transfer, by_type["members.transfer"], related=related)
    # Organisations and enterprises are named wherever the reader audits (the record already names
    # them there), and linked where the page they open would show them.
    orgs = _in_view(user, "audit.view", Org, by_type["orgs.org"])
    enterprises = _in_view(
        user, "audit.view", Enterprise, by_type["orgs.enterprise"], related=("org", "covering_union")
    )
    org_pages = Scope(prefixes=orgs_with_perm_paths(user, "orgs.view"))
    enterprise_pages = Scope(prefixes=orgs_with_perm_paths(user, "enterprises.view"))
    roles: dict[str, Role] = {}
    staff: dict[int, User] = {}
    if by_type["accounts.rolegrant"]:
        roles = roles_by_code()
    staff_ids = by_type["grant.user"] | _ids(
        e.actor_id for e in events if e.actor_id and not e.actor_label.startswith("worker#")
    )
    staff_ids |= _ids(
        e.object_id
        for e in events
        if e.object_type == "accounts.user" and not e.object_repr.startswith("worker#")
    )
    if staff_ids:
        staff = staff_names_by_id(ids=staff_ids)

    def person(p: Person | None, missing: str) -> Shown:
        if p is None:
            return Shown(str(OUT_OF_VIEW[missing]))
        return Shown(p.real_name, reverse("console:member_detail", args=[p.pk]))

    def worker(user_id) -> Shown:
        return person(workers.get(user_id), "worker")

    def staff_member(user_id, fallback: str) -> Shown:
        account = staff.get(user_id)
        if account is None:
            return Shown(fallback)
        return Shown(
            account.display_name or account.username, detail=account.username if account.display_name else ""
        )

    for e in events:
        if e.actor_label.startswith("worker#"):
            e.shown_actor = worker(e.actor_id)
        elif e.actor_label == "system":
            e.shown_actor = Shown(gettext("System"))
        else:
            e.shown_actor = staff_member(e.actor_id, e.actor_label)
        pk = int(e.object_id) if e.object_id.isdigit() else None
        kind = e.object_type
        if kind == "members.person":
            e.shown_object = person(people.get(pk), "person")
        elif kind == "members.membership":
            m = memberships.get(pk)
            e.shown_object = person(m.person if m else None, "person")
        elif kind == "members.transfer":
            t = transfers.get(pk)
            e.shown_object = (
                Shown(
                    gettext("Transfer of %(name)s") % {"name": t.person.real_name},
                    reverse("console:transfer_detail", args=[t.pk]),
                )
                if t
                else Shown(str(OUT_OF_VIEW["transfer"]))
            )
        elif kind == "accounts.user":
            e.shown_object = (
                worker(pk) if e.object_repr.startswith("worker#") else staff_member(pk, e.object_repr)
            )
        elif kind == "orgs.org":
            o = orgs.get(pk)
            if o is None:
                e.shown_object = Shown(str(OUT_OF_VIEW["org"]))
            else:
                url = reverse("console:org_detail", args=[o.pk]) if org_pages.covers_path(o.path) else ""
                e.shown_object = Shown(o.name, url)
        elif kind == "orgs.enterprise":
            ent = enterprises.get(pk)
            if ent is None:
                e.shown_object = Shown(str(OUT_OF_VIEW["enterprise"]))
            else:
                paths = [u.path for u in (ent.org, ent.covering_union) if u is not None]
                linked = any(enterprise_pages.covers_path(path) for path in paths)
                e.shown_object = Shown(
                    ent.name, reverse("console:enterprise_detail", args=[ent.pk]) if linked else ""
                )
        elif kind == "accounts.rolegrant":
            # The stored text names the role in the language of its code; show it translated.
            role = roles.get(e.data.get("role", ""))
            grantee = staff_member(e.data.get("user"), e.object_repr.split(" · ")[0])
            e.shown_object = Shown(
                " · ".join(
                    part
                    for part in (
                        grantee.text,
                        gettext(role.name) if role else e.data.get("role", ""),
                        e.org.name if e.org else "",
                    )
                    if part
                )
            )
        elif kind == "members.rosterimport":
            e.shown_object = Shown(gettext("Roster import #%(number)s") % {"number": e.object_id})
        else:
            e.shown_object = Shown(e.object_repr)


@require_GET
@staff_required(perm="audit.view", lists=True)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "action": data["action"],
            "outcome": data["outcome"],
            "actor_label": data["actor"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "org": data["org"],
        }
    before = request.GET.get("before", "")
    rows, next_before = audit_event_page(
        audit_event_list(**filters), before=int(before) if before.isdigit() else None
    )
    params = request.GET.copy()
    params.pop("before", None)
    newest_query = params.urlencode()
    next_query = ""
    if next_before is not None:
        params["before"] = str(next_before)
        next_query = params.urlencode()
    _subjects(rows, request.user)
    context = {
        "form": form,
        "events": rows,
        "next_query": next_query,
        "newest_query": newest_query,
        "first_page": not before,
        "picked_org": picked(form),
    }
    return render_page(request, "console/audit/audit_log.html", context, partial="results")
