"""The console's small shared pieces: the staff gate, htmx rendering, pages. Domain errors go on
forms with ``apply_domain_error`` (core.errors.apply_to_form, shared with the mobile web)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from smartunion.accounts.middleware import signed_in_staff
from smartunion.accounts.permissions import require_perm, scope_with_perm
from smartunion.core.errors import Forbidden, NotFound, apply_to_form
from smartunion.core.http import is_htmx
from smartunion.core.pagination import numbered_page
from smartunion.holidays import calendar
from smartunion.holidays.policies import can_change_calendar
from smartunion.holidays.selectors import calendar_missing_years
from smartunion.members.deadlines import application_due_years
from smartunion.members.policies import can_view_members

PAGE_SIZE = 50


def render_page(request: HttpRequest, template: str, context: dict, *, partial: str = "", status: int = 200):
    """A full page, or only its partial ``page.html#partial`` for an htmx request."""
    name = f"{template}#{partial}" if partial and is_htmx(request) else template
    return render(request, name, context, status=status)


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    titles = {403: _("You may not do this"), 404: _("Not found")}
    return render(
        request,
        "console/error.html",
        {"status": status, "title": titles.get(status, _("Error")), "message": message},
        status=status,
    )


def staff_required(view: Callable | None = None, *, perm: str = "", lists: bool = False):
    """Every console page: a staff member who passed the second factor, else the sign-in page.

    ``perm``: the flag the page needs somewhere in the viewer's scope (403 without it). Domain
    errors the view lets through become the console's 404 and 403 pages: a record outside the
    viewer's scope does not exist for them (404), never "forbidden".

    ``lists``: the page lists what ``perm`` lets one see, so the whole view runs in the scope
    narrowed to the subtrees where the viewer holds ``perm`` (``scope_with_perm``). The scope of
    all grants is wider: a cockpit viewer's grant on the city must not let a grassroots clerk browse
    the city's organisations.
    """
    if lists and not perm:
        raise TypeError("staff_required(lists=True) needs the flag that the list shows.")

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not signed_in_staff(request):
                login_url = reverse("console:login")
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login_url
                    return response
                return redirect_to_login(request.get_full_path(), login_url)
            try:
                if perm:
                    require_perm(request.user, perm)
                if lists:
                    with scope_with_perm(request.user, perm):
                        return func(request, *args, **kwargs)
                return func(request, *args, **kwargs)
            except NotFound as exc:
                return error_page(request, 404, exc.message)
            except Forbidden as exc:
                return error_page(request, 403, exc.message)

        # What the route lists under (tests/scope/test_console_list_routes.py reads it off every console route).
        wrapper.list_perm = perm if lists else ""
        return wrapper

    return decorate(view) if view is not None else decorate


# A service's error on a form: one helper for the console and the mobile web (core/errors.py).
apply_domain_error = apply_to_form


def paginate(request: HttpRequest, queryset, *, per_page: int = PAGE_SIZE):
    """Numbered pages (core/pagination.py), the page the request's ``page`` asks for."""
    return numbered_page(queryset, number=request.GET.get("page"), per_page=per_page)


def picked(form, field: str = "org", default=None):
    """What a submitted form was given for ``field`` (a picker shows it again when the form comes
    back with errors), else ``default`` (an unsubmitted form shows its initial choice)."""
    if form.is_bound and hasattr(form, "cleaned_data"):
        return form.cleaned_data.get(field)
    return default


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def calendar_warning(user, *, years: Iterable[int] | None = None) -> dict:
    """Context for ``console/holidays/_calendar_warning.html``: the years whose holidays the calendar
    does not know although deadlines are counted in them, so those deadlines count weekends only.

    Looked at: ``years`` when given (a page showing one deadline), else this year, the next one from
    November on (the State Council's notice is due), and the years in which the open applications
    the viewer may see fall due. Only for staff who see deadlines or may fix the calendar."""
    can_edit = can_change_calendar(user)
    sees_deadlines = can_view_members(user)
    if not (can_edit or sees_deadlines):
        return {"calendar_gaps": [], "can_edit_calendar": False}
    if years is None:
        today = timezone.localdate()
        wanted = {today.year} | ({today.year + 1} if today.month >= 11 else set())
        if sees_deadlines:
            # Years the package knows cannot lack data: ask only about the later ones.
            after = date(calendar.PACKAGE_LAST_YEAR, 12, 31)
            with scope_with_perm(user, "members.view"):
                wanted |= application_due_years(after=after)
    else:
        wanted = set(years)
    gaps = calendar_missing_years(years=wanted)
    return {
        "calendar_gaps": gaps,
        "calendar_gaps_text": pgettext("list of years", ", ").join(str(y) for y in gaps),
        "calendar_gaps_first": gaps[0] if gaps else None,
        "can_edit_calendar": can_edit,
    }
