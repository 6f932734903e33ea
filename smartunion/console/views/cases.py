"""The mediator's and legal-aid officer's workbench: the centre's queue and "my cases", sorted by the
nearest statutory clock, and the case page with its actions.

Who may do what is the cases policies' rule: a page needs some case flag (403 without one, like a
page's ``staff_required(perm=...)``); a case outside what the user's flags let them see does not
exist (404); acting on a case needs holding it (``can_handle_case``: 403 otherwise). Staff with
``cases.view`` only read the case, without the evidence files, and see names masked in the lists.
"""

from __future__ import annotations

import functools
from html import escape as esc

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.accounts.models import User
from smartunion.cases import services
from smartunion.cases.models import (
    CASE_TRANSITIONS,
    KIND_CLOSINGS,
    NO_CLOCK,
    REASON_REQUIRED,
    Case,
    CaseKind,
    CaseStatus,
    Clock,
    DocumentKind,
    EventKind,
    MaterialRequest,
    PaymentStatus,
)
from smartunion.cases.policies import (
    can_handle_any,
    can_handle_case,
    can_route,
    can_see_evidence,
    can_view_cases,
    handler,
)
from smartunion.cases.selectors import (
    DUE_SOON_DAYS,
    QueueFilters,
    assignable_staff,
    case_claims,
    case_documents,
    case_evidence,
    case_get,
    case_queue_rows,
    case_shares,
    case_timeline,
    document_get,
    evidence_get,
    queue_centres,
)
from smartunion.cases.services.routing import CENTRE_KIND
from smartunion.console.case_messages import contact_templates
from smartunion.console.forms.cases import (
    ContactForm,
    DocumentForm,
    MaterialRequestForm,
    MoveForm,
    PaymentForm,
    QueueFilterForm,
    ShareForm,
    TransitionForm,
)
from smartunion.console.helpers import PAGE_SIZE, apply_domain_error, is_htmx, render_page, staff_required
from smartunion.console.views.members import cursor_page, first_page_url, next_page_url
from smartunion.core.errors import Conflict, Forbidden, ValidationFailed
from smartunion.core.personal import mask_name
from smartunion.core.scoping import scopes_disabled
from smartunion.members.display import choice_labels
from smartunion.orgs.models import Org

QUEUE_PAGE_MAX = 100

# The statute behind each clock, shown beside it.
CLOCK_BASIS = {
    Clock.FIRST_CONTACT: gettext_lazy("The federation's first-contact target"),
    Clock.DECISION: gettext_lazy("Legal Aid Law, Art. 43"),
    Clock.MEDIATION_WINDOW: gettext_lazy("Labour Dispute Mediation and Arbitration Law, Art. 14"),
    Clock.LIMITATION: gettext_lazy("Labour Dispute Mediation and Arbitration Law, Art. 27"),
    Clock.PAYMENT: gettext_lazy("Labour Dispute Mediation and Arbitration Law, Art. 15 and 16"),
}

# The button of each move, as the person who makes it reads it.
MOVE_LABELS = {
    CaseStatus.ACCEPTED: gettext_lazy("Accept"),
    CaseStatus.DECLINED: gettext_lazy("Decline"),
    CaseStatus.ASSIGNED: gettext_lazy("Assign"),
    CaseStatus.IN_PROGRESS: gettext_lazy("Start work"),
    CaseStatus.AGREED: gettext_lazy("Close: agreement reached"),
    CaseStatus.NOT_AGREED: gettext_lazy("Close: no agreement"),
    # Not "Withdrawn": that msgid is the status's, whose translation (已撤回) the cases app gives
    # first and which reads as a state, not as the step the staff member records.
    CaseStatus.WITHDRAWN: gettext_lazy("Withdrawn by the worker"),
    CaseStatus.AID_GRANTED: gettext_lazy("Grant legal aid"),
    CaseStatus.AID_REFUSED: gettext_lazy("Refuse legal aid"),
    CaseStatus.ANSWERED: gettext_lazy("Close: answered"),
}


def require_case_flags(user) -> None:
    """Some case flag somewhere: the case pages' ``staff_required(perm=...)`` (403 without)."""
    if not can_view_cases(user):
        raise Forbidden(_("You do not have a role that works with cases."))


def require_handling(user, case: Case) -> None:
    if not can_handle_case(user, case):
        raise Forbidden(_("Only those handling this case may do this."))


def centres_in_scope() -> list[Org]:
    """The mediation and legal-service centres in the request's scope (the filters' choices)."""
    return list(Org.objects.filter(kind__in=set(CENTRE_KIND.values())).order_by("path").only("id", "name"))


def transfer_centres(case: Case) -> list[Org]:
    """Where a case may move: any centre of its kind in the federation, not only the viewer's own
    (a case registered in the wrong district goes to that district's centre)."""
    with scopes_disabled():
        return list(
            Org.objects.filter(kind=CENTRE_KIND[CaseKind(case.kind)])
            .exclude(pk=case.org_id)
            .order_by("path")
            .only("id", "name")
        )


def clock_state(day, today) -> str:
    """ "overdue", "soon" (within DUE_SOON_DAYS) or "" for a clock date."""
    if day is None or day == NO_CLOCK:
        return ""
    if day < today:
        return "overdue"
    if (day - today).days <= DUE_SOON_DAYS:
        return "soon"
    return ""


# --- the queue ---------------------------------------------------------------------------------


def queue_rows_html(rows: list[dict], *, user, today) -> str:
    """The queue's table rows from the selector's plain rows (``case_queue_rows``), built here
    rather than by the template language: a page of 50 cases is the console's hot path
    (bench/case_queue.py), and a model and a dozen template nodes per row were most of the page's
    time. Every value is escaped (``html.escape``, what Django's ``escape`` does, without its
    handling of lazy strings: the labels are looked up and escaped once per page)."""
    detail = reverse("console:case_detail", args=[0]).removesuffix("0/")
    kinds, statuses, clocks = (
        {code: esc(label) for code, label in choice_labels(choices).items()}
        for choices in (CaseKind, CaseStatus, Clock)
    )
    flags = {
        "overdue": f'<span class="overdue-flag">{esc(_("past"))}</span>',
        "soon": f'<span class="soon-flag">{esc(_("soon"))}</span>',
    }
    row_class = {"overdue": "overdue", "soon": "due-soon"}
    urgent = f'<span class="overdue-flag urgent-flag">{esc(_("urgent"))}</span>'
    collective = f' <span class="kind">{esc(_("collective"))}</span>'
    held = handler(user)
    out = []
    for c in rows:
        # Names in full to those holding the case, masked in a wide list of cases.view-only staff.
        name = c["applicant_name"]
        if not held(c["kind"], c["org__path"], c["assignee_id"]):
            name = mask_name(name)
        state = clock_state(c["next_clock"], today)
        if c["next_clock"] != NO_CLOCK:
            label = clocks.get(c["next_clock_kind"], "") if c["next_clock_kind"] else ""
            clock = (
                f'{c["next_clock"].isoformat()} <small class="muted">{label}</small>{flags.get(state, "")}'
            )
        else:
            clock = "—"
        if c["assignee_id"] is not None:
            assignee = esc(str(c["assignee__display_name"] or c["assignee__username"]))
        else:
            assignee = "—"
        status = c["status"]
        out.append(
            f'<tr class="{row_class.get(state, "")}"><td class="code"><a href="{detail}{c["id"]}/">'
            f"{esc(str(c['number']))}</a></td><td>{esc(name)}{collective if c['is_collective'] else ''}</td>"
            f"<td>{esc(c['employer_name'])}</td><td>{kinds.get(c['kind']) or esc(c['kind'])}</td>"
            f'<td><span class="status case-status-{esc(status)}">'
            f"{statuses.get(status) or esc(status)}</span></td><td>{esc(c['org__name'])}</td>"
            f'<td>{assignee}</td><td class="nowrap">{clock}{urgent if c["is_urgent"] else ""}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


@require_GET
@staff_required
def case_queue_view(request):
    """The centre's queue (``view=centre``, the default) or the cases assigned to me (``view=mine``),
    nearest clock first, a keyset page at a time. The flags narrow it (``visible_q``)."""
    user = request.user
    require_case_flags(user)
    view = "mine" if request.GET.get("view") == "mine" else "centre"
    form = QueueFilterForm(request.GET, centres=queue_centres(user=user))
    form.is_valid()  # a bad filter shows its error; the others apply
    data = form.cleaned_data
    filters = QueueFilters(
        view=view,
        status=data.get("status") or "",
        kind=data.get("kind") or "",
        dispute_type=data.get("dispute_type") or "",
        clock=data.get("clock") or "",
        centre=data.get("centre"),
        q=data.get("q") or "",
    )
    try:
        limit = min(max(int(request.GET.get("size", PAGE_SIZE)), 1), QUEUE_PAGE_MAX)
    except ValueError:
        limit = PAGE_SIZE
    rows, cursor, followed = cursor_page(
        request,
        functools.partial(case_queue_rows, user=user, filters=filters),
        list_name=f"cases.{view}",
        keys=("next_clock", "id"),
        limit=limit,
    )
    today = timezone.localdate()
    context = {
        "view": view,
        "form": form,
        "rows": rows,
        "rows_html": queue_rows_html(rows, user=user, today=today),
        "today": today,
        "next_url": next_page_url(request, cursor) if cursor else "",
        "first_url": first_page_url(request) if followed else "",
        "can_enter": can_handle_any(user),
        "can_route": can_route(user),
    }
    return render_page(request, "console/cases/case_queue.html", context, partial="results")


# --- the case page ------------------------------------------------------------------------------


def _allowed_moves(case: Case) -> list[str]:
    """The moves the table allows from the case's status that fit its kind, as buttons. Moving back
    to "accepted" is the transfer's work, and the first contact starts the work by itself."""
    moves = set(CASE_TRANSITIONS[case.status])
    if case.status == CaseStatus.IN_PROGRESS:
        moves &= KIND_CLOSINGS[CaseKind(case.kind)]
    if case.status == CaseStatus.ASSIGNED:
        moves.discard(CaseStatus.ACCEPTED)
    order = list(CaseStatus)
    return sorted(moves, key=order.index)


def _clocks(case: Case, today) -> list[dict]:
    rows = []
    for kind, day, done in (
        (Clock.FIRST_CONTACT, case.first_contact_due, case.first_contact_at is not None),
        (Clock.DECISION, case.decision_due, case.kind == CaseKind.LEGAL_AID and not case.is_open),
        (Clock.MEDIATION_WINDOW, case.mediation_window_ends, not case.is_open),
        (Clock.LIMITATION, case.limitation_ends, not case.is_open),
        (
            Clock.PAYMENT,
            case.payment_due,
            case.payment_status not in (PaymentStatus.PENDING, PaymentStatus.PARTLY_PAID),
        ),
    ):
        if day is None:
            continue
        rows.append(
            {
                "label": Clock(kind).label,
                "date": day,
                "basis": CLOCK_BASIS[kind],
                "done": done,
                "state": "" if done else clock_state(day, today),
                "days": (day - today).days,
                "past": (today - day).days,
                "next": kind == case.next_clock_kind,
            }
        )
    return rows


def _labelled(events: list) -> list:
    labels = dict(CaseStatus.choices)
    for event in events:
        event.to_label = labels.get(event.to_status, "")
    return events


def _calculator_url() -> str:
    """The statutory calculator's page, once an end serves one."""
    for name in ("mobile:calculator", "mobile:calculator_home"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _detail_context(request, case: Case, **forms) -> dict:
    user = request.user
    handling = can_handle_case(user, case)
    today = timezone.localdate()
    with scopes_disabled():  # the case's own rows; the case itself was found in scope
        contacts = list(case.contacts.select_related("logged_by"))
        participants = list(case.participants.all())
        material = MaterialRequest.objects.filter(case=case).first()
    moves = _allowed_moves(case) if handling else []
    staff = assignable_staff(case=case) if CaseStatus.ASSIGNED in moves else []
    context = {
        "case": case,
        "handling": handling,
        "claims": case_claims(case=case),
        "participants": participants,
        # Union staff who only read (cases.view) get what the API gives them: the worker's name
        # masked, the public timeline, no contact log.
        "shown_name": case.applicant_name if handling else case.applicant_name_masked,
        "timeline": _labelled(case_timeline(case=case, public_only=not handling)),
        "contacts": contacts if handling else [],
        "material": material,
        "evidence": case_evidence(case=case),
        "can_see_evidence": can_see_evidence(user, case),
        "documents": case_documents(case=case),
        # Only the documents the case can have now: no agreement before one is reached, no
        # payment order for what is paid (the service refuses the others).
        "document_kinds": [(kind, DocumentKind(kind).label) for kind in services.available_kinds(case)],
        "shares": case_shares(case=case),
        "clocks": _clocks(case, today),
        "moves": [
            {"to": m, "label": MOVE_LABELS[CaseStatus(m)], "reason": m in REASON_REQUIRED} for m in moves
        ],
        "staff": staff,
        "templates": contact_templates(case.kind),
        "calculator_url": _calculator_url(),
        "unmasked": {},
        "can_move": handling and case.is_open,
        # Until it is paid in full: then there is nothing left to record.
        "can_pay": handling
        and case.status == CaseStatus.AGREED
        and bool(case.amount_agreed)
        and case.payment_status != PaymentStatus.PAID,
        "event_kinds": EventKind,
        "contact_form": ContactForm(kind=case.kind),
        "material_form": MaterialRequestForm(),
        "transition_form": TransitionForm(staff=staff),
        "payment_form": PaymentForm(),
        "move_form": MoveForm(centres=transfer_centres(case) if handling and case.is_open else ()),
        "share_form": ShareForm(),
        "chosen_move": "",
    }
    context.update(forms)
    return context


def _no_store(response):
    """A page with a worker's data stays out of every cache."""
    response["Cache-Control"] = "no-store"
    return response


def _page(request, case: Case, *, status: int = 200, **forms):
    return _no_store(
        render_page(
            request, "console/cases/case_detail.html", _detail_context(request, case, **forms), status=status
        )
    )


def _case(request, pk) -> Case:
    require_case_flags(request.user)
    return case_get(user=request.user, pk=pk)


def _handled_case(request, pk) -> Case:
    case = _case(request, pk)
    require_handling(request.user, case)
    return case


@require_GET
@staff_required
def case_detail(request, pk):
    case = _case(request, pk)
    # Every opening is recorded: the worker's "who opened my record" lists it.
    services.case_open(case=case, actor=request.user, client_address=request_address(request))
    return _page(request, case)


@require_POST
@staff_required
def case_unmask_view(request, pk):
    case = _case(request, pk)
    values = services.case_unmask(case=case, actor=request.user, client_address=request_address(request))
    if is_htmx(request):
        field = request.POST.get("field", "mobile")
        field = field if field in values else "mobile"
        context = {"field": field, "value": values[field] or "—", "case": case}
        return _no_store(render(request, "console/cases/case_detail.html#unmasked", context))
    return _page(request, case, unmasked=values)


def _done(request, case: Case, text: str):
    messages.success(request, text)
    return redirect("console:case_detail", pk=case.pk)


@require_POST
@staff_required
def case_transition_view(request, pk):
    case = _handled_case(request, pk)
    staff = assignable_staff(case=case) if request.POST.get("to") == CaseStatus.ASSIGNED else []
    form = TransitionForm(request.POST, staff=staff)
    if not form.is_valid():
        return _page(request, case, status=400, transition_form=form, chosen_move=request.POST.get("to", ""))
    data = form.cleaned_data
    assignee = next((u for u in staff if u.pk == data["assignee"]), None)
    if data["to"] == CaseStatus.ASSIGNED and data["assignee"] and assignee is None:
        with scopes_disabled():
            assignee = User.objects.filter(pk=data["assignee"]).first()
    try:
        case = services.case_transition(
            case=case,
            to=data["to"],
            actor=request.user,
            reason=data["reason"],
            assignee=assignee,
            amount_agreed=data["amount_agreed"] or None,
            payment_due=data["payment_due"],
            client_address=request_address(request),
        )
    except ValidationFailed as exc:
        apply_domain_error(form, exc)
        return _page(request, case, status=400, transition_form=form, chosen_move=data["to"])
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("console:case_detail", pk=case.pk)
    return _done(request, case, _("The case is now “%(status)s”.") % {"status": case.get_status_display()})


@require_POST
@staff_required
def case_contact_view(request, pk):
    case = _handled_case(request, pk)
    form = ContactForm(request.POST, kind=case.kind)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_log(
                case=case,
                actor=request.user,
                at=data["at"],
                channel=data["channel"],
                party=data["party"],
                summary=data["summary"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, case, _("The contact was logged."))
    return _page(request, case, status=400, contact_form=form)


@require_POST
@staff_required
def case_material_view(request, pk):
    case = _handled_case(request, pk)
    form = MaterialRequestForm(request.POST)
    if form.is_valid():
        try:
            services.material_request(
                case=case,
                actor=request.user,
                items=form.cleaned_data["items"],
                due=form.cleaned_data["due"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, case, _("The material was requested; the worker is told."))
    return _page(request, case, status=400, material_form=form)


@require_POST
@staff_required
def case_material_supplied_view(request, pk):
    case = _handled_case(request, pk)
    try:
        services.material_supplied(case=case, actor=request.user, client_address=request_address(request))
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("console:case_detail", pk=case.pk)
    return _done(request, case, _("The material is recorded as supplied; the worker is told."))


@require_POST
@staff_required
def case_payment_view(request, pk):
    case = _handled_case(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            case = services.case_record_payment(
                case=case,
                actor=request.user,
                paid=form.cleaned_data["amount_paid"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            return _done(request, case, _("The payment was recorded."))
    return _page(request, case, status=400, payment_form=form)


@require_POST
@staff_required
def case_move_view(request, pk):
    case = _handled_case(request, pk)
    centres = transfer_centres(case)
    form = MoveForm(request.POST, centres=centres)
    if form.is_valid():
        centre = next(c for c in centres if c.pk == form.cleaned_data["centre"])
        with scopes_disabled():
            centre = Org.objects.get(pk=centre.pk)
        try:
            case = services.case_move(
                case=case,
                centre=centre,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The case moved to %(centre)s.") % {"centre": centre.name})
            # It may now be outside what the user handles: back to the queue.
            return redirect("console:case_queue")
    return _page(request, case, status=400, move_form=form)


@require_POST
@staff_required
def case_share_view(request, pk):
    case = _handled_case(request, pk)
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            services.share_request(
                case=case,
                actor=request.user,
                recipient=form.cleaned_data["recipient"],
                purpose=form.cleaned_data["purpose"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            return _done(request, case, _("The worker is asked for consent; nothing is shared before."))
    return _page(request, case, status=400, share_form=form)


@require_GET
@staff_required
def case_evidence_view(request, pk, evidence_id):
    """An evidence file, for those holding the case (404 to everyone else): audited."""
    case = _case(request, pk)
    evidence = evidence_get(case=case, pk=evidence_id)
    data = services.evidence_open(
        evidence=evidence, actor=request.user, client_address=request_address(request)
    )
    response = HttpResponse(data, content_type=evidence.content_type)
    response["Content-Disposition"] = f'inline; filename="evidence-{evidence.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


@require_POST
@staff_required
def case_document_generate_view(request, pk):
    case = _handled_case(request, pk)
    form = DocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a document to produce."))
    else:
        try:
            services.document_generate(case=case, kind=form.cleaned_data["kind"], actor=request.user)
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The document was produced."))
    return redirect("console:case_detail", pk=case.pk)


@require_GET
@staff_required
def case_document_view(request, pk, document_id):
    """One generated PDF, to those holding the case (the papers carry the full ID number and mobile)."""
    case = _case(request, pk)
    document = document_get(case=case, pk=document_id)
    data = services.document_open(
        document=document, actor=request.user, client_address=request_address(request)
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{case.number}-{document.kind}-v{document.version}.pdf"'
    )
    return _no_store(response)
