"""The love-breakfast programmes (爱心早餐) of the viewer's subtree: the list, a programme's page
(the pool, its sources and how long it lasts, shops, eligible workers, meals per shop and day, each
shop's monthly settlement), and the forms that change it: the programme, a shop, workers (found by
search or from a roster of ID numbers or mobiles), government money or a merchant's discount, a
donation with its acknowledgement, and the ledger.

Reading needs ``benefits.view`` on the programme's organisation (outside it: 404); every change
``benefits.manage`` there (403, which the services also enforce)."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import has_perm, scope_with_perm
from smartunion.benefits.models import (
    Donation,
    Enrolment,
    EnrolmentSource,
    LedgerAccount,
    LedgerEntry,
    Programme,
    ProgrammeShop,
)
from smartunion.benefits.policies import can_manage_benefits, can_view_benefits
from smartunion.benefits.selectors import (
    meals_by_shop_and_day,
    merchants_list,
    programme_get,
    programmes_list,
    statements_list,
)
from smartunion.benefits.services.breakfast import (
    donation_record,
    enrol,
    enrolment_refusal,
    funding_record,
    pool_state,
    shop_add,
)
from smartunion.benefits.services.merchants import programme_save
from smartunion.console.forms.benefits_breakfast import (
    ROSTER_MAX_BYTES,
    ROSTER_MAX_ROWS,
    DonationForm,
    FundingForm,
    ProgrammeForm,
    RosterForm,
    ShopForm,
    WorkerSearchForm,
)
from smartunion.console.helpers import (
    apply_domain_error,
    paginate,
    query_without_page,
    render_page,
    staff_required,
)
from smartunion.core.errors import Forbidden, NotFound, ValidationFailed
from smartunion.core.personal import mask_id_number, mask_mobile
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import Person
from smartunion.members.roster import files as roster_files
from smartunion.members.roster import xlsx as roster_xlsx
from smartunion.members.selectors.search import classify_query, person_search
from smartunion.members.selectors.worker import occupation_tags
from smartunion.orgs.models import Org

MEAL_DAYS = 14  # the meals table: the last two weeks


def programme_in_view(request, pk, *, manage: bool = False) -> Programme:
    """A programme of the viewer's ``benefits.view`` subtrees (else 404); with ``manage``, one they
    may also change (else 403)."""
    with scope_with_perm(request.user, "benefits.view"):
        programme = programme_get(pk=pk)
    if not can_view_benefits(request.user, programme.org):
        raise NotFound(_("This breakfast programme does not exist."))
    if manage and not can_manage_benefits(request.user, programme.org):
        raise Forbidden(_("You may not manage this breakfast programme."))
    return programme


def _manage_orgs(user) -> list[Org]:
    """The organisations that may run a programme: where the user holds ``benefits.manage``."""
    with scope_with_perm(user, "benefits.manage"):
        return list(Org.objects.order_by("path").only("id", "name", "path")[:500])


def _manage_merchants(user) -> list:
    with scope_with_perm(user, "benefits.manage"):
        return list(merchants_list().filter(active=True).order_by("name")[:500])


# --- the list and the programme form ---------------------------------------------------------------


@require_GET
@staff_required(perm="benefits.view", lists=True)
def breakfast_list(request):
    programmes = list(programmes_list().order_by("-active", "-starts_on", "id")[:200])
    rows = [(p, pool_state(programme=p)) for p in programmes]
    return render_page(
        request,
        "console/benefits/breakfast_list.html",
        {"rows": rows, "can_add": has_perm(request.user, "benefits.manage")},
    )


def _programme_form(request, programme: Programme | None):
    orgs = _manage_orgs(request.user)
    tags = list(occupation_tags())
    initial = {"warn_days": "14", "active": True, "starts_on": timezone.localdate()}
    if programme is not None:
        with scopes_disabled():
            chosen = list(programme.occupation_tags.values_list("code", flat=True))
        initial = {
            "org": programme.org_id,
            "name": programme.name,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "warn_days": str(programme.warn_days),
            "occupation_tags": chosen,
            "active": programme.active,
        }
    form = ProgrammeForm(request.POST or None, initial=initial, orgs=orgs, tags=tags)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = next((o for o in orgs if o.pk == data.get("org")), None)
        if org is None:
            form.add_error("org", _("Choose the organisation that runs the programme."))
        else:
            try:
                saved = programme_save(
                    actor=request.user,
                    org=org,
                    name=data.get("name") or "",
                    starts_on=data.get("starts_on"),
                    ends_on=data.get("ends_on"),
                    warn_days=data.get("warn_days") or "",
                    occupation_tags=data.get("occupation_tags") or [],
                    employment_forms=list(programme.employment_forms) if programme else [],
                    active=bool(data.get("active")),
                    programme=programme,
                    client_address=request_address(request),
                )
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The programme %(name)s is saved.") % {"name": saved.name})
                return redirect("console:breakfast_detail", pk=saved.pk)
    return render_page(
        request,
        "console/benefits/breakfast_form.html",
        {"form": form, "programme": programme},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage")
def breakfast_add(request):
    return _programme_form(request, None)


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage")
def breakfast_edit(request, pk):
    return _programme_form(request, programme_in_view(request, pk, manage=True))


# --- the programme's page --------------------------------------------------------------------------


def _detail_context(request, programme: Programme, **forms) -> dict:
    today = timezone.localdate()
    manage = can_manage_benefits(request.user, programme.org)
    with scopes_disabled():  # the programme's own rows; the programme was found in scope
        shops = list(
            ProgrammeShop.objects.filter(programme=programme).select_related("merchant").order_by("id")
        )
        enrolled = Enrolment.objects.filter(programme=programme).count()
        recent = list(
            Enrolment.objects.filter(programme=programme)
            .select_related("person", "person__org")
            .order_by("-added_at", "-id")[:20]
        )
        donations = list(Donation.objects.filter(programme=programme).order_by("-received_on", "-id")[:10])
        statements = list(
            statements_list()
            .filter(programme=programme)
            .select_related("merchant")
            .order_by("-month", "merchant__name")[:36]
        )
    state = pool_state(programme=programme, today=today)
    meals = meals_by_shop_and_day(
        programmes=Programme.objects.filter(pk=programme.pk),
        since=today - timedelta(days=MEAL_DAYS - 1),
        until=today,
    )
    context = {
        "programme": programme,
        "can_manage": manage,
        "state": state,
        "sources": [(LedgerAccount(k).label, v) for k, v in state.by_source.items()],
        "shops": shops,
        "enrolled": enrolled,
        "recent": recent,
        "donations": donations,
        "statements": statements,
        "meals": meals,
        "meal_days": MEAL_DAYS,
        "shop_form": None,
        "search_form": WorkerSearchForm(),
        "roster_form": RosterForm(),
        "found": None,
        "roster_report": None,
    }
    if manage:
        context["shop_form"] = ShopForm(merchants=_manage_merchants(request.user))
    context.update(forms)
    return context


def _page(request, programme: Programme, *, status: int = 200, **forms):
    response = render_page(
        request,
        "console/benefits/breakfast_detail.html",
        _detail_context(request, programme, **forms),
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@staff_required(perm="benefits.view")
def breakfast_detail(request, pk):
    return _page(request, programme_in_view(request, pk))


@require_http_methods(["POST"])
@staff_required(perm="benefits.manage")
def breakfast_shop_add(request, pk):
    programme = programme_in_view(request, pk, manage=True)
    merchants = _manage_merchants(request.user)
    form = ShopForm(request.POST, merchants=merchants)
    if form.is_valid():
        merchant = next((m for m in merchants if m.pk == form.cleaned_data.get("merchant")), None)
        if merchant is None:
            form.add_error("merchant", _("Choose a shop of your area."))
        else:
            try:
                shop_add(
                    actor=request.user,
                    programme=programme,
                    merchant=merchant,
                    meal=form.cleaned_data.get("meal") or "",
                    price=form.cleaned_data.get("price") or "",
                    client_address=request_address(request),
                )
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request, _("%(shop)s takes part in the programme.") % {"shop": merchant.name}
                )
                return redirect("console:breakfast_detail", pk=programme.pk)
    return _page(request, programme, status=400, shop_form=form)


# --- eligible workers ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage")
def breakfast_workers(request, pk):
    """Find members of the programme's area (the member search) and add the ticked ones. The search
    posts, so a full mobile or ID number never stands in a URL."""
    programme = programme_in_view(request, pk, manage=True)
    form = WorkerSearchForm(request.POST or None)
    found: list[tuple[Person, str | None]] = []
    if request.method == "POST" and request.POST.getlist("person"):
        ids = [int(v) for v in request.POST.getlist("person") if v.isascii() and v.isdigit() and len(v) < 19][
            :200
        ]
        with scope_with_perm(request.user, "benefits.manage"):
            people = list(Person.objects.filter(pk__in=ids, closed_at__isnull=True))
        added, refused = enrol(
            actor=request.user, programme=programme, people=people, client_address=request_address(request)
        )
        messages.success(request, _("%(count)s workers added to the programme.") % {"count": added})
        for person in people:
            if person.pk in refused:
                messages.warning(request, f"{person.name_masked}: {refused[person.pk]}")
        return redirect("console:breakfast_detail", pk=programme.pk)
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("q"):
        try:
            with scope_with_perm(request.user, "benefits.manage"):
                people = list(person_search(q=form.cleaned_data["q"])[:20])
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            with scopes_disabled():
                already = set(
                    Enrolment.objects.filter(programme=programme, person__in=people).values_list(
                        "person_id", flat=True
                    )
                )
            for person in people:
                reason = (
                    _("Already in the programme.")
                    if person.pk in already
                    else enrolment_refusal(programme, person)
                )
                found.append((person, reason))
    return _page(request, programme, status=400 if form.errors else 200, search_form=form, found=found)


def _roster_values(upload) -> list[tuple[int, str]]:
    """(line, first cell) of each non-empty row of an .xlsx or .csv upload, bounded."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationFailed(fields={"file": [_("Upload an .xlsx or .csv file.")]})
    if upload.size > ROSTER_MAX_BYTES:
        raise ValidationFailed(fields={"file": [_("The file is larger than 1 MB.")]})
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        path = Path(handle.name)
        try:
            file_format = roster_files.sniff_format(path, suffix.lstrip("."))
            if file_format == "xlsx":
                rows = next(iter(roster_xlsx.read_xlsx_sheets(path))).rows
            else:
                rows = roster_files.read_csv_rows(path)
        except ValidationFailed as exc:
            raise ValidationFailed(
                fields={"file": [m for ms in exc.fields.values() for m in ms] or [str(exc)]}
            ) from None
        except StopIteration:
            rows = []
    values = []
    for line, row in enumerate(rows, start=1):
        cell = str(row[0]).strip() if row and row[0] is not None else ""
        if cell.endswith(".0") and cell[:-2].isdigit():  # a mobile Excel stored as a number
            cell = cell[:-2]
        if cell:
            values.append((line, cell))
    if not values:
        raise ValidationFailed(fields={"file": [_("The file has no ID numbers or mobiles.")]})
    if len(values) > ROSTER_MAX_ROWS:
        raise ValidationFailed(fields={"file": [_("At most %(n)s rows at a time.") % {"n": ROSTER_MAX_ROWS}]})
    return values


@require_http_methods(["POST"])
@staff_required(perm="benefits.manage")
def breakfast_roster(request, pk):
    """A roster of ID numbers or mobiles: each row's worker is found in the viewer's area and added
    when eligible; the report says, per row, who was added and why the others were not."""
    programme = programme_in_view(request, pk, manage=True)
    form = RosterForm(request.POST, request.FILES)
    upload = request.FILES.get("file")
    if upload is None:
        form.add_error("file", _("Choose a roster file."))
        return _page(request, programme, status=400, roster_form=form)
    try:
        values = _roster_values(upload)
    except ValidationFailed as exc:
        apply_domain_error(form, exc)
        return _page(request, programme, status=400, roster_form=form)
    report: list[dict] = []
    people: dict[int, Person] = {}
    rows_of: dict[int, list[dict]] = {}
    with scope_with_perm(request.user, "benefits.manage"):
        for line, value in values:
            kind = classify_query(value).kind
            shown = (
                mask_id_number(value)
                if kind == "id_number"
                else mask_mobile(value)
                if kind == "mobile"
                else value[:30]
            )
            row = {"line": line, "value": shown, "name": "", "outcome": "", "added": False}
            report.append(row)
            if kind not in ("id_number", "mobile"):
                if line == 1:  # a header row
                    report.pop()
                    continue
                row["outcome"] = _("Not an ID number or a mobile.")
                continue
            person = person_search(q=value).first()
            if person is None:
                row["outcome"] = _("No member with this number in your area.")
                continue
            row["name"] = person.name_masked
            people[person.pk] = person
            rows_of.setdefault(person.pk, []).append(row)
    with scopes_disabled():
        already = set(
            Enrolment.objects.filter(programme=programme, person_id__in=people).values_list(
                "person_id", flat=True
            )
        )
    added, refused = enrol(
        actor=request.user,
        programme=programme,
        people=[p for pk_, p in people.items() if pk_ not in already],
        source=EnrolmentSource.ROSTER,
        client_address=request_address(request),
    )
    for person_id, rows in rows_of.items():
        for row in rows:
            if person_id in already:
                row["outcome"] = _("Already in the programme.")
            elif person_id in refused:
                row["outcome"] = refused[person_id]
            else:
                row["outcome"], row["added"] = _("Added."), True
    summary = _("%(added)s workers added; %(refused)s rows not added.") % {
        "added": added,
        "refused": sum(1 for r in report if not r["added"]),
    }
    return _page(request, programme, roster_report={"rows": report, "summary": summary})


# --- money -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage")
def breakfast_funding(request, pk):
    programme = programme_in_view(request, pk, manage=True)
    form = FundingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = funding_record(
                actor=request.user,
                programme=programme,
                source=form.cleaned_data.get("source") or "",
                amount=form.cleaned_data.get("amount") or "",
                memo=form.cleaned_data.get("memo") or "",
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(amount)s yuan of %(source)s paid into the pool.")
                % {"amount": entry.amount, "source": LedgerAccount(entry.credit).label},
            )
            return redirect("console:breakfast_detail", pk=programme.pk)
    return render_page(
        request,
        "console/benefits/breakfast_money.html",
        {"form": form, "programme": programme, "title": _("Record funding")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage")
def breakfast_donation(request, pk):
    programme = programme_in_view(request, pk, manage=True)
    form = DonationForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            donation = donation_record(
                actor=request.user,
                programme=programme,
                donor=form.cleaned_data.get("donor") or "",
                donor_contact=form.cleaned_data.get("donor_contact") or "",
                amount=form.cleaned_data.get("amount") or "",
                received_on=form.cleaned_data.get("received_on"),
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("console:breakfast_acknowledgement", pk=programme.pk, donation_id=donation.pk)
    return render_page(
        request,
        "console/benefits/breakfast_money.html",
        {"form": form, "programme": programme, "title": _("Record a donation")},
        status=400 if form.errors else 200,
    )


@require_GET
@staff_required(perm="benefits.view")
def breakfast_acknowledgement(request, pk, donation_id):
    """The donor's acknowledgement, a page to print."""
    programme = programme_in_view(request, pk)
    with scopes_disabled():
        donation = Donation.objects.filter(programme=programme, pk=donation_id).first()
    if donation is None:
        raise NotFound(_("There is no such donation."))
    return render_page(
        request,
        "console/benefits/breakfast_acknowledgement.html",
        {"programme": programme, "donation": donation},
    )


@require_GET
@staff_required(perm="benefits.view")
def breakfast_ledger(request, pk):
    programme = programme_in_view(request, pk)
    with scopes_disabled():
        entries = LedgerEntry.objects.filter(programme=programme).order_by("-posted_at", "-id")
        page = paginate(request, entries)
        for entry in page:
            entry.debit_label = LedgerAccount(entry.debit).label
            entry.credit_label = LedgerAccount(entry.credit).label
    return render_page(
        request,
        "console/benefits/breakfast_ledger.html",
        {"programme": programme, "page": page, "query": query_without_page(request)},
    )
