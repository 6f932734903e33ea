"""Entering an application on the worker's behalf: taken by phone, at the centre or at a union station
(劳动争议调解仲裁法 第十二条: an oral application is recorded on the spot). The same record as the
worker's own; the worker whose mobile it carries follows it on the phone. A one-time submission key
makes a double-clicked submit one case."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.cases.models import DisputeType
from smartunion.cases.policies import can_handle_any, can_view_case
from smartunion.cases.services import case_apply
from smartunion.console.forms.cases import CaseEntryForm, ClaimRow, claim_rows
from smartunion.console.helpers import picked, render_page, staff_required
from smartunion.core.errors import Forbidden, ValidationFailed
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.selectors import public_enterprise_search


def _place_errors(form: CaseEntryForm, kept: list[ClaimRow], exc: ValidationFailed) -> None:
    """Each field-path error on its field: ``claims.N.amount`` on the row the N-th claim came from,
    ``participants.N.name`` on the participants box with the line number."""
    for path, messages_ in exc.fields.items():
        parts = path.split(".")
        if parts[0] == "claims" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(kept):
            row = kept[int(parts[1])]
            key = parts[2] if len(parts) > 2 else "type"
            row.errors.setdefault(key, []).extend(messages_)
        elif path == "claims":
            form.claims_errors = [*getattr(form, "claims_errors", []), *messages_]
        elif parts[0] == "participants" and len(parts) >= 2 and parts[1].isdigit():
            for message in messages_:
                form.add_error(
                    "participants", _("Line %(n)s: %(error)s") % {"n": int(parts[1]) + 1, "error": message}
                )
        else:
            name = CaseEntryForm.ALIASES.get(path, path)
            for message in messages_:
                form.add_error(name if name in form.fields else None, message)
    if exc.message and not exc.fields:
        form.add_error(None, exc.message)


@require_http_methods(["GET", "POST"])
@staff_required
def case_new(request):
    user = request.user
    if not can_handle_any(user):
        raise Forbidden(_("Only mediators and legal-aid officers enter applications."))
    post = request.POST if request.method == "POST" else None
    form = CaseEntryForm(post)
    rows = claim_rows(post)
    if post is not None and form.is_valid():
        kept = [row for row in rows if not row.is_blank]
        data = form.application([row.as_data() for row in kept])
        if form.cleaned_data["is_collective"] and not data.get("participants"):
            data["participants"] = []
            form.add_error("participants", _("List the workers of the collective case, one a line."))
        else:
            try:
                case, created = case_apply(
                    actor=user,
                    data=data,
                    channel=form.cleaned_data["channel"],
                    submission_key=form.cleaned_data["submission_key"],
                    client_address=request_address(request),
                )
            except ValidationFailed as exc:
                _place_errors(form, kept, exc)
            else:
                if created:
                    messages.success(
                        request,
                        _("Application %(number)s was recorded and sent to %(centre)s.")
                        % {"number": case.number, "centre": case.org.name},
                    )
                else:
                    messages.info(
                        request,
                        _("This application was already recorded: %(number)s.") % {"number": case.number},
                    )
                with scopes_disabled():
                    visible = can_view_case(user, case)
                if visible:
                    return redirect("console:case_detail", pk=case.pk)
                return redirect("console:case_queue")
    context = {
        "form": form,
        "rows": rows,
        "claims_errors": getattr(form, "claims_errors", []),
        "picked_employer": picked(form, "employer"),
        "dispute_types": DisputeType.choices,
    }
    return render_page(request, "console/cases/case_new.html", context, status=400 if form.is_bound else 200)


@require_GET
@staff_required
def case_employer_pick(request):
    """The employer picker's choices (htmx): the whole register by name, brand or full credit code,
    as a worker searches it (public_* selectors)."""
    if not can_handle_any(request.user):
        raise Forbidden(_("Only mediators and legal-aid officers enter applications."))
    q = request.GET.get("q", "").strip()
    context = {"enterprises": public_enterprise_search(q=q), "q": q}
    return render(request, "console/cases/_employer_picker.html#choices", context)
