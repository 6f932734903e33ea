"""Merchants (with their stores, agreements and clerks) and the service catalogue, for staff with
``benefits.view`` (read) and ``benefits.manage`` (change) in their subtree. Every read runs in the
scope narrowed to the flag the page needs: another district's merchant does not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartunion.accounts.middleware import request_address
from smartunion.accounts.permissions import scope_with_perm
from smartunion.benefits import selectors
from smartunion.benefits.models import Merchant, ServiceCategory
from smartunion.benefits.policies import can_manage_benefits
from smartunion.benefits.services.merchants import (
    agreement_add,
    clerk_link,
    merchant_save,
    service_save,
    store_add,
)
from smartunion.console.forms.benefits import (
    AgreementForm,
    ClerkForm,
    MerchantFilterForm,
    MerchantForm,
    ServiceFilterForm,
    ServiceForm,
    StoreForm,
)
from smartunion.console.helpers import (
    apply_domain_error,
    paginate,
    picked,
    query_without_page,
    render_page,
    staff_required,
)
from smartunion.core.errors import ValidationFailed

# --- Merchants -----------------------------------------------------------------------------------


@require_GET
@staff_required(perm="benefits.view", lists=True)
def merchant_list(request):
    form = MerchantFilterForm(request.GET)
    form.is_valid()
    q, kind = form.cleaned_data.get("q", ""), form.cleaned_data.get("kind", "")
    context = {
        "form": form,
        "q": q,
        "page": paginate(request, selectors.merchants_list(q=q, kind=kind)),
        "query": query_without_page(request),
        "can_add": can_manage_benefits(request.user),
    }
    return render_page(request, "console/benefits/merchant_list.html", context, partial="results")


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage", lists=True)
def merchant_add(request):
    form = MerchantForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            merchant = merchant_save(actor=request.user, client_address=request_address(request), **data)
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” was registered.") % {"name": merchant.name})
            return redirect("console:benefits_merchant_detail", pk=merchant.pk)
    context = {"form": form, "picked_org": picked(form)}
    return render_page(
        request, "console/benefits/merchant_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage", lists=True)
def merchant_edit(request, pk):
    merchant = selectors.merchant_get(pk=pk)
    initial = {f: getattr(merchant, f) for f in MerchantForm.base_fields if f != "org"}
    form = MerchantForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            merchant_save(
                actor=request.user,
                org=merchant.org,
                merchant=merchant,
                client_address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("console:benefits_merchant_detail", pk=merchant.pk)
    context = {"form": form, "merchant": merchant}
    return render_page(
        request, "console/benefits/merchant_form.html", context, status=400 if form.errors else 200
    )


def _detail(request, merchant: Merchant, *, status: int = 200, **forms):
    """The merchant's page; ``forms`` are bound forms that failed (shown with their errors)."""
    can_manage = can_manage_benefits(request.user, merchant.org)
    stores = selectors.merchant_stores(merchant=merchant)
    context = {
        "merchant": merchant,
        "stores": stores,
        "agreements": selectors.merchant_agreements(merchant=merchant),
        "clerks": selectors.merchant_clerks(merchant=merchant),
        "campaigns": list(selectors.campaigns_list(merchant=merchant)[:50]),
        "services": list(selectors.services_list().filter(merchant=merchant)[:50]),
        "can_manage": can_manage,
    }
    if can_manage:
        with scope_with_perm(request.user, "benefits.manage"):
            candidates = selectors.clerk_candidates()
        context["store_form"] = forms.get("store_form") or StoreForm()
        context["agreement_form"] = forms.get("agreement_form") or AgreementForm()
        context["clerk_form"] = forms.get("clerk_form") or ClerkForm(candidates=candidates, stores=stores)
    return render_page(request, "console/benefits/merchant_detail.html", context, status=status)


@require_GET
@staff_required(perm="benefits.view", lists=True)
def merchant_detail(request, pk):
    return _detail(request, selectors.merchant_get(pk=pk))


@require_POST
@staff_required(perm="benefits.manage", lists=True)
def merchant_store_add(request, pk):
    merchant = selectors.merchant_get(pk=pk)
    form = StoreForm(request.POST)
    if form.is_valid():
        try:
            store = store_add(actor=request.user, merchant=merchant, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The store “%(name)s” was added.") % {"name": store.name})
            return redirect("console:benefits_merchant_detail", pk=merchant.pk)
    return _detail(request, merchant, status=400, store_form=form)


@require_POST
@staff_required(perm="benefits.manage", lists=True)
def merchant_agreement_add(request, pk):
    merchant = selectors.merchant_get(pk=pk)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            agreement_add(
                actor=request.user,
                merchant=merchant,
                client_address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The agreement was recorded."))
            return redirect("console:benefits_merchant_detail", pk=merchant.pk)
    return _detail(request, merchant, status=400, agreement_form=form)


@require_POST
@staff_required(perm="benefits.manage", lists=True)
def merchant_clerk_add(request, pk):
    merchant = selectors.merchant_get(pk=pk)
    form = ClerkForm(
        request.POST,
        candidates=selectors.clerk_candidates(),
        stores=selectors.merchant_stores(merchant=merchant),
    )
    if form.is_valid():
        try:
            clerk = clerk_link(
                actor=request.user,
                merchant=merchant,
                user=form.cleaned_data["user"],
                store=form.cleaned_data["store"],
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            name = clerk.user.display_name or clerk.user.username
            messages.success(request, _("%(name)s now verifies vouchers for this merchant.") % {"name": name})
            return redirect("console:benefits_merchant_detail", pk=merchant.pk)
    return _detail(request, merchant, status=400, clerk_form=form)


# --- The service catalogue -----------------------------------------------------------------------


@require_GET
@staff_required(perm="benefits.view", lists=True)
def service_list(request):
    categories = list(ServiceCategory.objects.all())
    form = ServiceFilterForm(request.GET, categories=categories)
    form.is_valid()
    category = form.cleaned_data.get("category", "")
    context = {
        "form": form,
        "page": paginate(request, selectors.services_list(category=category)),
        "query": query_without_page(request),
        "can_add": can_manage_benefits(request.user),
    }
    return render_page(request, "console/benefits/service_list.html", context, partial="results")


def _service_form(request, *, initial=None) -> ServiceForm:
    return ServiceForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        merchants=list(selectors.merchants_list()),
        categories=list(ServiceCategory.objects.all()),
    )


def _service_save(request, form: ServiceForm, service=None):
    data = dict(form.cleaned_data)
    picture = data.pop("picture", None)
    return service_save(
        actor=request.user,
        service=service,
        picture=picture if hasattr(picture, "image") else None,
        client_address=request_address(request),
        **data,
    )


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage", lists=True)
def service_add(request):
    form = _service_form(request, initial={"published": True})
    if request.method == "POST" and form.is_valid():
        try:
            service = _service_save(request, form)
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("“%(title)s” is in the catalogue.") % {"title": service.title})
            return redirect("console:benefits_service_list")
    context = {"form": form, "picked_org": picked(form)}
    return render_page(
        request, "console/benefits/service_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage", lists=True)
def service_edit(request, pk):
    service = selectors.service_get(pk=pk)
    initial = {
        "org": service.org,
        "merchant": service.merchant_id,
        "category": service.category_id,
        "title": service.title,
        "description": service.description,
        "benefit": service.benefit,
        "member_price": service.member_price,
        "available_from": service.available_from,
        "available_until": service.available_until,
        "published": service.published,
        "employment_forms": service.employment_forms,
        "occupation_tags": list(service.occupation_tags.all()),
    }
    form = _service_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _service_save(request, form, service)
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("console:benefits_service_list")
    context = {"form": form, "service": service, "picked_org": picked(form, default=service.org)}
    return render_page(
        request, "console/benefits/service_form.html", context, status=400 if form.errors else 200
    )
