"""Applying for mediation, legal aid or a legal consultation on the mobile web: a guided interview,
one short step per page in plain words, as docassemble does. Every step saves the answers as typed
into the worker's draft (``cases.services.draft_save``), so the application resumes where they left
off, on another device too, and nothing typed is lost when an answer is wrong.

Each step is checked with the service's own rules: the draft is assembled into the application
``case_apply`` takes and ``clean_application`` judges it; the errors whose field path the step owns
(``claims.0.amount``, ``employer.credit_code``) go on its fields. The review step checks it all and
sends the worker back to the first step with an error. Submitting carries a one-time key, so a
double tap files one case.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.cases.models import CaseKind, DisputeType, MeansRoute
from smartunion.cases.selectors import draft_get, my_drafts
from smartunion.cases.services import (
    clean_application,
    draft_discard,
    draft_evidence_add,
    draft_evidence_remove,
    draft_save,
    draft_submit,
)
from smartunion.cases.services.applying import MAX_CLAIMS
from smartunion.core.errors import DomainError, ValidationFailed
from smartunion.members.selectors import my_person
from smartunion.mobile.forms.cases import (
    ApplicantForm,
    DisputeForm,
    EmployerForm,
    EvidenceForm,
    FactsForm,
    MeansForm,
)
from smartunion.mobile.helpers import worker_required
from smartunion.orgs.selectors import public_enterprise_search

STEPS = ("applicant", "employer", "dispute", "claims", "facts", "means", "evidence", "review")
# The step that owns each top-level field path of the application (``claims.0.amount`` -> claims).
OWNER = {
    "applicant": "applicant",
    "employer": "employer",
    "employment_start": "dispute",
    "employment_end": "dispute",
    "dispute_date": "dispute",
    "claims": "claims",
    "facts": "facts",
    "request": "facts",
    "means_route": "means",
}


def kind_texts() -> list[dict[str, str]]:
    """The three kinds, in plain words, with a line on each."""
    return [
        {
            "kind": CaseKind.MEDIATION,
            "title": pgettext("cases", "Mediation of a labour dispute"),
            "line": _(
                "Your employer owes you wages or compensation, or you disagree about your contract: a "
                "mediator talks with both sides to reach an agreement, free of charge, within 15 days."
            ),
        },
        {
            "kind": CaseKind.LEGAL_AID,
            "title": pgettext("cases", "Free legal aid"),
            "line": _(
                "You need a lawyer to claim what you are owed and cannot pay for one: a lawyer of the "
                "union's legal-service centre represents you, free of charge."
            ),
        },
        {
            "kind": CaseKind.CONSULTATION,
            "title": pgettext("cases", "Legal advice"),
            "line": _("You have a question about your rights at work: a lawyer answers you, free of charge."),
        },
    ]


def steps_for(kind: str) -> list[str]:
    # The means test is legal aid's only (法律援助法 第四十一条, 第四十二条).
    return [s for s in STEPS if s != "means" or kind == CaseKind.LEGAL_AID]


def step_titles() -> dict[str, str]:
    return {
        "applicant": pgettext("cases", "About you"),
        "employer": pgettext("cases", "Your employer"),
        "dispute": pgettext("cases", "What happened, and when"),
        "claims": pgettext("cases", "What you are owed"),
        "facts": pgettext("cases", "Your story and your request"),
        "means": pgettext("cases", "The means test"),
        "evidence": pgettext("cases", "Evidence"),
        "review": pgettext("cases", "Check and send"),
    }


def _kind_or_404(kind: str) -> str:
    if kind not in CaseKind.values:
        raise Http404
    return kind


def _answers(request: HttpRequest, kind: str) -> dict[str, Any]:
    draft = draft_get(user=request.user, kind=kind)
    return dict(draft.data) if draft is not None else {"kind": kind}


def assembled(request: HttpRequest, kind: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The application as ``case_apply`` takes it: the worker's mobile is their account's."""
    applicant = dict(answers.get("applicant") or {})
    applicant["mobile"] = request.user.mobile
    return {**answers, "kind": kind, "applicant": applicant}


def owner_of(path: str) -> str | None:
    return OWNER.get(path.split(".")[0])


def application_errors(request: HttpRequest, kind: str, answers: dict[str, Any]) -> dict[str, list[str]]:
    try:
        clean_application(assembled(request, kind, answers))
    except ValidationFailed as exc:
        return exc.fields or {"": [exc.message]}
    return {}


def step_errors(errors: dict[str, list[str]], step: str) -> dict[str, list[str]]:
    return {path: texts for path, texts in errors.items() if owner_of(path) == step}


def _bound(form_class, values: dict[str, Any]):
    """A step's form showing the saved answers as typed, ready to take the service's messages."""
    form = form_class(data=values)
    form.is_valid()
    return form


def _put_on_form(form, errors: dict[str, list[str]], prefix: str = "") -> None:
    """Each service message on its field (``applicant.name`` -> ``name``); others on top."""
    for path, texts in errors.items():
        name = path.removeprefix(prefix) if prefix else path
        for message in texts:
            form.add_error(name if name in form.fields else None, message)


# --- The first page: choosing the kind ----------------------------------------------------------


@worker_required
@require_http_methods(["GET"])
def apply_start(request: HttpRequest) -> HttpResponse:
    """Which help: mediation, legal aid or advice, in plain words; a saved draft to continue."""
    drafts = {d.kind: d for d in my_drafts(user=request.user)}
    kinds = []
    for item in kind_texts():
        draft = drafts.get(item["kind"])
        step = draft.step if draft is not None and draft.step in STEPS else "applicant"
        kinds.append({**item, "draft": draft, "continue_url": _step_url(item["kind"], step)})
    return render(request, "mobile/cases/apply_start.html", {"kinds": kinds})


def _step_url(kind: str, step: str, *, check: bool = False) -> str:
    url = reverse("mobile:case_apply_step", args=[kind, step])
    return f"{url}?check=1" if check else url


@worker_required
@require_POST
def apply_discard(request: HttpRequest, kind: str) -> HttpResponse:
    _kind_or_404(kind)
    draft_discard(user=request.user, kind=kind)
    messages.success(request, _("Your draft application was deleted."))
    return redirect("mobile:case_apply")


# --- One step -----------------------------------------------------------------------------------


@worker_required
@require_http_methods(["GET", "POST"])
def apply_step(request: HttpRequest, kind: str, step: str) -> HttpResponse:
    kind = _kind_or_404(kind)
    steps = steps_for(kind)
    if step not in steps:
        raise Http404
    if step == "review":
        return _review(request, kind, steps)
    answers = _answers(request, kind)
    if not answers.get("applicant") and step == "applicant":
        answers["applicant"] = _prefill(request)
    handler = STEP_HANDLERS[step]
    index = steps.index(step)
    context: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "next")
        answers, context, stay = handler(request, kind, answers, action)
        if action == "back":
            target = steps[max(index - 1, 0)]
        else:
            target = step if stay else steps[index + 1]
        try:
            draft_save(user=request.user, kind=kind, step=target, data=answers)
        except DomainError as exc:
            context["save_error"] = exc.message
            stay, action = True, "stay"
        if action == "back" and not context.get("save_error"):
            return redirect(_step_url(kind, target))
        if not stay:
            errors = step_errors(application_errors(request, kind, answers), step)
            if not errors:
                return redirect(_step_url(kind, target))
            context["errors"] = errors
    elif request.GET.get("check"):
        context["errors"] = step_errors(application_errors(request, kind, answers), step)
    return render(request, f"mobile/cases/apply_{step}.html", _context(request, kind, step, answers, context))


def _context(request, kind, step, answers, extra) -> dict[str, Any]:
    steps = steps_for(kind)
    errors = extra.get("errors") or {}
    titles = step_titles()
    builder = CONTEXT_BUILDERS.get(step)
    context = {
        "kind": kind,
        "kind_label": CaseKind(kind).label,
        "step": step,
        "step_title": titles[step],
        "step_number": steps.index(step) + 1,
        "step_count": len(steps),
        "steps": [(s, titles[s]) for s in steps],
        "first": steps.index(step) == 0,
        "answers": answers,
        "errors": errors,
        **extra,
    }
    if builder is not None:
        context.update(builder(request, kind, answers, errors, extra))
    return context


def _prefill(request: HttpRequest) -> dict[str, Any]:
    """The name from the member record, else the account's."""
    person = my_person(user=request.user)
    name = person.real_name if person is not None else (request.user.display_name or "")
    return {"name": name}


# Each step: parse the POST into the answers -> (answers, extra context, stay on the page).


def _applicant_post(request, kind, answers, action):
    form = ApplicantForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    migrant = data.get("is_migrant_worker")
    answers["applicant"] = {
        "name": data.get("name", ""),
        "id_number": data.get("id_number", ""),
        "occupation": data.get("occupation", ""),
        "address": data.get("address", ""),
        "is_migrant_worker": migrant == "yes",
        "migrant_answer": migrant or "",
    }
    return answers, {}, False


def _applicant_context(request, kind, answers, errors, extra):
    applicant = answers.get("applicant") or {}
    form = _bound(
        ApplicantForm,
        {
            "name": applicant.get("name", ""),
            "id_number": applicant.get("id_number", ""),
            "occupation": applicant.get("occupation", ""),
            "address": applicant.get("address", ""),
            "is_migrant_worker": applicant.get("migrant_answer", ""),
        },
    )
    _put_on_form(form, errors, "applicant.")
    return {"form": form}


def _employer_post(request, kind, answers, action):
    if action == "choose":
        try:
            chosen = int(request.POST.get("employer", ""))
        except ValueError:
            chosen = 0
        answers["employer"] = {"id": chosen, "name": request.POST.get("employer_name", "")[:200]}
        return answers, {}, False
    form = EmployerForm(request.POST)
    form.is_valid()
    name, code = form.cleaned_data.get("name", ""), form.cleaned_data.get("credit_code", "")
    current = answers.get("employer") or {}
    if name.strip() or code.strip() or not current.get("id"):
        answers["employer"] = {"name": name, "credit_code": code}
    return answers, {}, False


def _employer_context(request, kind, answers, errors, extra):
    employer = answers.get("employer") or {}
    chosen = employer if employer.get("id") else None
    form = _bound(
        EmployerForm,
        {} if chosen else {"name": employer.get("name", ""), "credit_code": employer.get("credit_code", "")},
    )
    _put_on_form(form, errors, "employer.")
    q = request.GET.get("q", "").strip()
    return {
        "form": form,
        "chosen": chosen,
        "q": q,
        "results": public_enterprise_search(q=q) if q else None,
    }


def _dispute_post(request, kind, answers, action):
    form = DisputeForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    for key in ("employment_start", "employment_end", "dispute_date"):
        answers[key] = (request.POST.get(key) or "").strip()[:40]
    answers["dispute_types"] = data.get("dispute_types") or []
    return answers, {}, False


def _dispute_context(request, kind, answers, errors, extra):
    form = _bound(
        DisputeForm,
        {
            "dispute_types": answers.get("dispute_types") or [],
            "employment_start": answers.get("employment_start", ""),
            "employment_end": answers.get("employment_end", ""),
            "dispute_date": answers.get("dispute_date", ""),
        },
    )
    _put_on_form(form, errors)
    return {"form": form, "dates_optional": kind == CaseKind.CONSULTATION}


def _claim_rows(answers) -> list[dict[str, str]]:
    rows = answers.get("claims")
    if isinstance(rows, list) and rows:
        return [r for r in rows if isinstance(r, dict)]
    # The first time: one row for each kind of dispute the worker ticked.
    types = [t for t in answers.get("dispute_types") or [] if t in DisputeType.values]
    return [{"type": t, "amount": "", "description": ""} for t in types] or [
        {"type": "", "amount": "", "description": ""}
    ]


def _claims_post(request, kind, answers, action):
    try:
        count = min(int(request.POST.get("claims-count", "0")), MAX_CLAIMS)
    except ValueError:
        count = 0
    rows = [
        {
            "type": request.POST.get(f"claims-{i}-type", "")[:30],
            "amount": request.POST.get(f"claims-{i}-amount", "").strip()[:40],
            "description": request.POST.get(f"claims-{i}-description", "")[:600],
        }
        for i in range(count)
    ]
    stay = False
    if action == "add":
        if len(rows) < MAX_CLAIMS:
            rows.append({"type": "", "amount": "", "description": ""})
        stay = True
    elif action.startswith("remove-"):
        try:
            del rows[int(action.removeprefix("remove-"))]
        except (ValueError, IndexError):
            pass
        stay = True
    answers["claims"] = rows
    return answers, {}, stay


def _claims_context(request, kind, answers, errors, extra):
    rows = []
    for i, row in enumerate(_claim_rows(answers)):
        path = f"claims.{i}"
        rows.append(
            {
                **row,
                "index": i,
                "errors": {
                    name: errors.get(f"{path}.{name}", []) for name in ("type", "amount", "description")
                },
                "row_errors": errors.get(path, []),
            }
        )
    return {
        "rows": rows,
        "claims_errors": errors.get("claims", []),
        "types": DisputeType.choices,
        "can_add": len(rows) < MAX_CLAIMS,
    }


def _facts_post(request, kind, answers, action):
    form = FactsForm(request.POST)
    form.is_valid()
    answers["facts"] = form.cleaned_data.get("facts", "")
    answers["request"] = form.cleaned_data.get("request", "")
    return answers, {}, False


def _facts_context(request, kind, answers, errors, extra):
    form = _bound(FactsForm, {"facts": answers.get("facts", ""), "request": answers.get("request", "")})
    _put_on_form(form, errors)
    return {"form": form}


def _means_post(request, kind, answers, action):
    route = request.POST.get("means_route", "")
    answers["means_route"] = route if route in MeansRoute.values else ""
    return answers, {}, False


def _means_context(request, kind, answers, errors, extra):
    form = _bound(MeansForm, {"means_route": answers.get("means_route", "")})
    _put_on_form(form, errors)
    applicant = answers.get("applicant") or {}
    return {"form": form, "is_migrant": bool(applicant.get("is_migrant_worker"))}


def _evidence_post(request, kind, answers, action):
    extra: dict[str, Any] = {}
    if action == "upload":
        form = EvidenceForm(request.POST, request.FILES)
        form.is_valid()
        upload = request.FILES.get("file")
        if upload is None:
            form.add_error("file", _("Choose a photo or a PDF file first."))
        else:
            try:
                draft_evidence_add(
                    user=request.user,
                    kind=kind,
                    upload=upload,
                    description=form.cleaned_data.get("description", ""),
                )
            except DomainError as exc:
                form.add_domain_error(exc)
        if form.errors:
            extra["evidence_form"] = form
        answers = {**_answers(request, kind), **{k: v for k, v in answers.items() if k != "evidence"}}
        return answers, extra, True
    if action.startswith("remove-"):
        try:
            draft_evidence_remove(user=request.user, kind=kind, token=action.removeprefix("remove-"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return answers, extra, True
    return answers, extra, False


def _evidence_context(request, kind, answers, errors, extra):
    draft = draft_get(user=request.user, kind=kind)
    files = draft.data.get("evidence", []) if draft is not None else []
    return {
        "evidence_form": extra.get("evidence_form") or EvidenceForm(),
        "files": files,
        "max_mb": settings.CASE_EVIDENCE_MAX_BYTES // (1024 * 1024),
    }


STEP_HANDLERS = {
    "applicant": _applicant_post,
    "employer": _employer_post,
    "dispute": _dispute_post,
    "claims": _claims_post,
    "facts": _facts_post,
    "means": _means_post,
    "evidence": _evidence_post,
}
CONTEXT_BUILDERS = {
    "applicant": _applicant_context,
    "employer": _employer_context,
    "dispute": _dispute_context,
    "claims": _claims_context,
    "facts": _facts_context,
    "means": _means_context,
    "evidence": _evidence_context,
}


# --- Review and submit --------------------------------------------------------------------------


def _review(request: HttpRequest, kind: str, steps: list[str]) -> HttpResponse:
    answers = _answers(request, kind)
    if request.method == "POST":
        key = request.POST.get("submission_key", "")
        errors = application_errors(request, kind, answers) if draft_get(user=request.user, kind=kind) else {}
        if errors:
            return _back_to_first_error(request, kind, steps, errors)
        try:
            case, created = draft_submit(
                user=request.user, kind=kind, submission_key=key, client_address=request_address(request)
            )
        except ValidationFailed as exc:
            if not exc.fields:
                messages.error(request, exc.message)
                return redirect(_step_url(kind, "review"))
            return _back_to_first_error(request, kind, steps, exc.fields)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_step_url(kind, "review"))
        if created:
            messages.success(
                request,
                _("Your application was received. Your case number is %(number)s.") % {"number": case.number},
            )
        return redirect("mobile:case_detail", pk=case.pk)
    errors = application_errors(request, kind, answers)
    titles = step_titles()
    problems = [
        (s, titles[s], _step_url(kind, s, check=True))
        for s in steps
        if any(owner_of(path) == s for path in errors)
    ]
    draft = draft_get(user=request.user, kind=kind)
    context = _context(request, kind, "review", answers, {})
    context.update(
        problems=problems,
        claims=[
            {
                **row,
                "type_label": DisputeType(row["type"]).label if row.get("type") in DisputeType.values else "",
            }
            for row in _claim_rows(answers)
        ],
        type_labels=[
            DisputeType(t).label for t in answers.get("dispute_types") or [] if t in DisputeType.values
        ],
        means_label=MeansRoute(answers["means_route"]).label
        if answers.get("means_route") in MeansRoute.values
        else "",
        files=draft.data.get("evidence", []) if draft is not None else [],
        submission_key=secrets.token_urlsafe(24),
        mobile_masked=request.user.mobile_masked,
        urls={s: _step_url(kind, s) for s in steps},
    )
    return render(request, "mobile/cases/apply_review.html", context)


def _back_to_first_error(request, kind, steps, errors) -> HttpResponse:
    owners = {owner_of(path) for path in errors}
    for s in steps:
        if s in owners:
            messages.error(request, _("Please correct the answers marked below."))
            return redirect(_step_url(kind, s, check=True))
    messages.error(request, next(iter(errors.values()))[0])
    return redirect(_step_url(kind, "review"))
