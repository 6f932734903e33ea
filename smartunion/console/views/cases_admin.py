"""Where new cases go (the routing rules, for ``cases.route`` holders) and the case numbers per
centre and subtree (for those who handle or view cases, and for cockpit viewers: numbers only)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartunion.accounts.permissions import has_perm, scope_with_perm
from smartunion.cases.models import CaseKind, CaseStatus, DisputeType, RoutingRule
from smartunion.cases.policies import can_view_cases
from smartunion.cases.selectors import case_numbers, routing_rules
from smartunion.cases.services import routing_rule_create, routing_rule_delete
from smartunion.console.forms.cases import NumbersForm, RoutingRuleForm
from smartunion.console.helpers import apply_domain_error, render_page, staff_required
from smartunion.console.views.cases import centres_in_scope
from smartunion.core.errors import Forbidden, NotFound, ValidationFailed
from smartunion.orgs.models import IndustrySection, Org

RATING_LABELS = {
    "satisfied": gettext_lazy("Satisfied"),
    "neutral": gettext_lazy("Neutral"),
    "dissatisfied": gettext_lazy("Dissatisfied"),
}


@require_http_methods(["GET", "POST"])
@staff_required(perm="cases.route", lists=True)
def case_routing(request):
    """The rules of the centres in the subtrees where the user holds cases.route, and a form to
    add one. A rule sends new cases; cases already filed stay where they are."""
    centres = centres_in_scope()
    form = RoutingRuleForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        centre = Org.objects.get(pk=data["centre"])  # a choice from the scope above
        try:
            routing_rule_create(
                actor=request.user,
                kind=data["kind"],
                region_prefix=data["region_prefix"],
                industry=data["industry"],
                centre=centre,
                note=data["note"],
            )
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The rule was added; new cases follow it."))
            return redirect("console:case_routing")
    rules = list(routing_rules())
    industries = dict(IndustrySection.choices)
    for rule in rules:
        rule.industry_label = industries.get(rule.industry, "")
    context = {"form": form, "rules": rules}
    return render_page(
        request, "console/cases/case_routing.html", context, status=400 if form.errors else 200
    )


@require_POST
@staff_required(perm="cases.route")
def case_routing_delete(request, pk):
    # Only the rules of centres where the user holds cases.route exist for them.
    with scope_with_perm(request.user, "cases.route"):
        try:
            rule = RoutingRule.objects.select_related("centre").get(pk=int(pk))
        except (RoutingRule.DoesNotExist, ValueError):
            raise NotFound(_("This rule does not exist.")) from None
    routing_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("The rule was deleted."))
    return redirect("console:case_routing")


@require_GET
@staff_required
def case_numbers_view(request):
    """Counts and sums over the cases the user may see (their flags' subtrees; a cockpit viewer's
    cockpit subtree): never a case or a name."""
    user = request.user
    if not (can_view_cases(user) or has_perm(user, "cockpit.view")):
        raise Forbidden(_("You do not have a role that works with cases."))
    centres = centres_in_scope()
    form = NumbersForm(request.GET, centres=centres)
    form.is_valid()
    centre = form.cleaned_data.get("centre")
    numbers = case_numbers(user=user, centre=centre)
    types = dict(DisputeType.choices)
    context = {
        "form": form,
        "numbers": numbers,
        "centre": next((c for c in centres if c.pk == centre), None),
        "by_kind": [(label, numbers["by_kind"].get(value, 0)) for value, label in CaseKind.choices],
        "by_status": [(label, numbers["by_status"].get(value, 0)) for value, label in CaseStatus.choices],
        "by_type": [(types.get(value, value), n) for value, n in sorted(numbers["by_type"].items())],
        "ratings": [(RATING_LABELS[r], n) for r, n in numbers["ratings"].items()],
        "can_list": can_view_cases(user),
    }
    return render_page(request, "console/cases/case_numbers.html", context)
