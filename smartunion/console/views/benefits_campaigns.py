"""Voucher campaigns: the list, a draft's form, and a campaign's page with its status, the moves
staff may make (schedule, pause, resume, close; each confirmed on a page of its own, so it works
without JavaScript), its live figures and, for a lottery, what anyone needs to re-check the draw."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from smartunion.accounts.middleware import request_address
from smartunion.benefits import selectors
from smartunion.benefits.models import CAMPAIGN_TRANSITIONS, Campaign, CampaignKind, CampaignStatus
from smartunion.benefits.policies import can_manage_benefits
from smartunion.benefits.services.campaigns import (
    CampaignInput,
    campaign_create,
    campaign_transition,
    campaign_update,
)
from smartunion.console.forms.benefits import CampaignFilterForm, CampaignForm, TransitionForm
from smartunion.console.helpers import (
    apply_domain_error,
    paginate,
    picked,
    query_without_page,
    render_page,
    staff_required,
)
from smartunion.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from smartunion.members.models import EmploymentForm

# The moves staff make by hand, with the button's words. Opening at the release time is the
# clock's (campaign_clock); staff resume a paused campaign.
MOVES = {
    CampaignStatus.SCHEDULED: (gettext_lazy("Schedule"), gettext_lazy("Schedule this campaign?")),
    CampaignStatus.PAUSED: (gettext_lazy("Pause"), gettext_lazy("Pause this campaign?")),
    CampaignStatus.OPEN: (gettext_lazy("Resume"), gettext_lazy("Resume this campaign?")),
    CampaignStatus.CLOSED: (gettext_lazy("Close"), gettext_lazy("Close this campaign?")),
}
MOVE_NOTES = {
    CampaignStatus.SCHEDULED: gettext_lazy(
        "The vouchers are made now and the quota is fixed; the campaign opens by itself at its release "
        "time. A scheduled campaign can no longer be edited."
    ),
    CampaignStatus.PAUSED: gettext_lazy("Members cannot claim or register until you resume it."),
    CampaignStatus.OPEN: gettext_lazy("Members can claim or register again until the window ends."),
    CampaignStatus.CLOSED: gettext_lazy(
        "Nobody can claim or register any more; vouchers already claimed stay usable. This cannot be undone."
    ),
}


def allowed_moves(campaign: Campaign) -> list[tuple[str, str]]:
    """(status, label) of the moves open from the campaign's status (a scheduled campaign is opened
    by the clock, not by hand)."""
    allowed = CAMPAIGN_TRANSITIONS[campaign.status]
    moves = []
    for to, (label, _question) in MOVES.items():
        if to not in allowed:
            continue
        if to == CampaignStatus.OPEN and campaign.status != CampaignStatus.PAUSED:
            continue
        moves.append((str(to), label))
    return moves


@require_GET
@staff_required(perm="benefits.view", lists=True)
def campaign_list(request):
    form = CampaignFilterForm(request.GET)
    form.is_valid()
    status = form.cleaned_data.get("status", "")
    context = {
        "form": form,
        "page": paginate(request, selectors.campaigns_list(status=status)),
        "query": query_without_page(request),
        "can_add": can_manage_benefits(request.user),
    }
    return render_page(request, "console/benefits/campaign_list.html", context, partial="results")


def _input(form: CampaignForm) -> CampaignInput:
    data = form.cleaned_data
    return CampaignInput(
        org=data["org"],
        merchant=data["merchant"],
        title=data["title"],
        kind=data["kind"],
        face_value=data["face_value"],
        quota=data["quota"],
        per_member_limit=data["per_member_limit"],
        release_at=data["release_at"],
        claim_until=data["claim_until"],
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
        description=data["description"],
        benefit=data["benefit"],
        employment_forms=data["employment_forms"],
        occupation_tags=list(data["occupation_tags"]),
    )


def _form(request, *, initial=None) -> CampaignForm:
    return CampaignForm(
        request.POST or None, initial=initial, merchants=list(selectors.merchants_list().filter(active=True))
    )


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage", lists=True)
def campaign_add(request):
    form = _form(request, initial={"kind": CampaignKind.FIRST_COME, "per_member_limit": "1"})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(
                actor=request.user, data=_input(form), client_address=request_address(request)
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The draft “%(title)s” was saved.") % {"title": campaign.title})
            return redirect("console:benefits_campaign_detail", pk=campaign.pk)
    context = {"form": form, "picked_org": picked(form)}
    return render_page(
        request, "console/benefits/campaign_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage", lists=True)
def campaign_edit(request, pk):
    campaign = selectors.campaign_get(pk=pk)
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("Only a draft campaign can be edited; pause or close it instead."))
        return redirect("console:benefits_campaign_detail", pk=campaign.pk)
    initial = {
        "org": campaign.org,
        "merchant": campaign.merchant_id,
        "title": campaign.title,
        "kind": campaign.kind,
        "description": campaign.description,
        "benefit": campaign.benefit,
        "face_value": campaign.face_value,
        "quota": campaign.quota,
        "per_member_limit": campaign.per_member_limit,
        "release_at": campaign.release_at,
        "claim_until": campaign.claim_until,
        "valid_from": campaign.valid_from,
        "valid_until": campaign.valid_until,
        "employment_forms": campaign.employment_forms,
        "occupation_tags": list(campaign.occupation_tags.all()),
    }
    form = _form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_update(
                actor=request.user,
                campaign=campaign,
                data=_input(form),
                client_address=request_address(request),
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except DomainError as exc:  # no longer a draft (scheduled meanwhile)
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("console:benefits_campaign_detail", pk=campaign.pk)
    context = {"form": form, "campaign": campaign, "picked_org": picked(form, default=campaign.org)}
    return render_page(
        request, "console/benefits/campaign_form.html", context, status=400 if form.errors else 200
    )


@require_GET
@staff_required(perm="benefits.view", lists=True)
def campaign_detail(request, pk):
    campaign = selectors.campaign_get(pk=pk)
    figures = selectors.voucher_figures(campaigns=selectors.campaigns_list().filter(pk=campaign.pk))
    quota = figures.quota or campaign.quota  # a draft has no vouchers yet
    lottery = selectors.lottery_counts(campaign=campaign) if campaign.kind == CampaignKind.LOTTERY else None
    can_manage = can_manage_benefits(request.user, campaign.org)
    context = {
        "campaign": campaign,
        "figures": figures,
        "quota": quota,
        "left": quota - figures.claimed,
        "lottery": lottery,
        "tags": list(campaign.occupation_tags.all()),
        "employment_forms": [
            EmploymentForm(f).label for f in campaign.employment_forms if f in EmploymentForm.values
        ],
        "can_manage": can_manage,
        "moves": allowed_moves(campaign) if can_manage else [],
    }
    return render_page(request, "console/benefits/campaign_detail.html", context)


@require_http_methods(["GET", "POST"])
@staff_required(perm="benefits.manage", lists=True)
def campaign_transition_view(request, pk):
    """GET: the confirmation of one move (``?to=``); POST: the move."""
    campaign = selectors.campaign_get(pk=pk)
    form = TransitionForm(request.POST if request.method == "POST" else request.GET)
    moves = dict(allowed_moves(campaign))
    if not form.is_valid() or form.cleaned_data["to"] not in moves:
        raise NotFound(_("This campaign cannot make that move now."))
    to = form.cleaned_data["to"]
    if request.method == "POST":
        try:
            campaign_transition(
                actor=request.user,
                campaign=campaign,
                to=to,
                reason=form.cleaned_data["reason"],
                client_address=request_address(request),
            )
        except (Conflict, DomainError) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The campaign is now “%(status)s”.") % {"status": CampaignStatus(to).label},
            )
        return redirect("console:benefits_campaign_detail", pk=campaign.pk)
    context = {
        "campaign": campaign,
        "form": form,
        "to": to,
        "label": moves[to],
        "question": MOVES[to][1],
        "note": MOVE_NOTES[to],
    }
    return render_page(request, "console/benefits/campaign_transition.html", context)
