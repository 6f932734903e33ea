"""Roster pages: download the template, upload a roster and see every bad row, import it with a
progress bar, export the roster of a union. The rules live in members/roster/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import scope_with_perm
from smartunion.console.forms.members import RosterExportForm, RosterUploadForm
from smartunion.console.helpers import apply_domain_error, render_page, staff_required
from smartunion.core.errors import Conflict, ValidationFailed
from smartunion.members.models import RosterImportStatus
from smartunion.members.policies import can_import_roster, can_unmask, require_view_members
from smartunion.members.roster import (
    COLUMNS,
    EMPLOYMENT_FORM_NAMES,
    roster_export,
    roster_import_commit,
    roster_import_get,
    roster_import_progress,
    roster_import_validate,
    roster_imports_recent,
    roster_template,
)
from smartunion.orgs.selectors import org_get, org_pick_choices


def _picked_org(request):
    """The union chosen in the picker; one outside the viewer's scope does not exist (404)."""
    pk = request.POST.get("org") or request.GET.get("org")
    return org_get(pk=pk) if pk else None


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.view", lists=True)
def roster_home(request):
    can_import = can_import_roster(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    org = _picked_org(request)
    org_errors = []
    if request.method == "POST":
        if org is None:
            org_errors.append(_("Choose the union the members join."))
        elif form.is_valid():
            try:
                roster_import = roster_import_validate(
                    actor=request.user,
                    org=org,
                    upload=form.cleaned_data["file"],
                    client_address=request_address(request),
                )
            except ValidationFailed as exc:
                org_errors.extend(exc.fields.pop("org", []))
                if exc.fields or not org_errors:
                    apply_domain_error(form, exc)
            else:
                return redirect("console:roster_import_detail", pk=roster_import.pk)
    imports = []
    if can_import:
        with scope_with_perm(request.user, "members.change"):
            imports = roster_imports_recent()
            if org is None:
                # A grassroots union's staff have one union to choose: choose it for them.
                choices = org_pick_choices(q="", grassroots=True, limit=2)
                org = choices[0] if len(choices) == 1 else None
    context = {
        "form": form,
        "picked_org": org,
        "org_errors": org_errors,
        "can_import": can_import,
        "columns": COLUMNS,
        "employment_forms": [names[0] for names in EMPLOYMENT_FORM_NAMES.values()],
        "max_mb": settings.ROSTER_MAX_UPLOAD_BYTES // (1024 * 1024),
        "imports": imports,
    }
    return render_page(request, "console/members/roster_home.html", context)


@require_GET
@staff_required(perm="members.view")
def roster_template_download(request, file_format: str):
    content, filename, content_type = roster_template(file_format="csv" if file_format == "csv" else "xlsx")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename: str) -> str:
    return content_disposition_header(as_attachment=True, filename=filename)


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.change")
def roster_import_detail(request, pk):
    roster_import = roster_import_get(pk=pk)
    require_view_members(request.user, roster_import.org)
    if request.method == "POST":
        try:
            roster_import = roster_import_commit(
                actor=request.user, roster_import=roster_import, client_address=request_address(request)
            )
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            if roster_import.status == RosterImportStatus.DONE and not roster_import.created_count:
                messages.info(request, _("Nothing new to import."))
            elif roster_import.status == RosterImportStatus.DONE:
                messages.success(request, _("The roster was imported."))
        return redirect("console:roster_import_detail", pk=roster_import.pk)
    processed = roster_import_progress(roster_import)
    to_write = max(roster_import.total_rows - roster_import.skipped_count, 0)
    uploader = roster_import.uploaded_by
    context = {
        "roster_import": roster_import,
        "uploader": (uploader.display_name or uploader.username) if uploader is not None else "—",
        "processed": processed,
        "to_write": to_write,
        "percent": int(100 * processed / to_write) if to_write and processed is not None else 100,
        "errors": roster_import.errors,
        "more_errors": roster_import.error_count - len(roster_import.errors),
        "report": roster_import.report,
    }
    return render_page(request, "console/members/roster_import.html", context, partial="progress")


@require_http_methods(["GET", "POST"])
@staff_required(perm="members.view", lists=True)
def roster_export_view(request):
    may_unmask = can_unmask(request.user)
    form = RosterExportForm(request.POST or None, may_unmask=may_unmask)
    org = _picked_org(request)
    org_errors = []
    if request.method == "POST":
        if org is None:
            org_errors.append(_("Choose the union whose roster you export."))
        elif form.is_valid():
            try:
                export = roster_export(
                    actor=request.user,
                    org=org,
                    unmask=form.cleaned_data["content"] == form.FULL,
                    file_format=form.cleaned_data["file_format"],
                    client_address=request_address(request),
                )
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
            else:
                return FileResponse(
                    export.file,
                    as_attachment=True,
                    filename=export.filename,
                    content_type=export.content_type,
                )
    context = {"form": form, "picked_org": org, "org_errors": org_errors, "may_unmask": may_unmask}
    return render_page(request, "console/members/roster_export.html", context)
