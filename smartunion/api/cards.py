"""Verifying an e-member card: merchants, breakfast shops and event check-in scan the card's QR
code and ask whether it is valid. The answer shows what the card itself shows, nothing more."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from smartunion.api.errors import error_responses
from smartunion.api.schemas.members import CardVerifyIn, CardVerifyOut
from smartunion.api.security import require_staff
from smartunion.api.throttle import TokenRateThrottle
from smartunion.members.services import card_check

router = Router(tags=["cards"])


def _result_labels() -> dict[str, str]:
    return {
        "valid": _("Valid card"),
        "expired": _("This code has expired: ask the member to refresh the card."),
        "revoked": _("This card is no longer valid."),
        "forged": _("This is not a valid member card."),
    }


@router.post(
    "/verify",
    response={200: CardVerifyOut, **error_responses(401, 403, 422, 429)},
    throttle=[TokenRateThrottle("card_verify", "CARD_VERIFY_RATE")],
    summary="Verify a member card",
    operation_id="cards_verify",
)
def card_verify_view(request: HttpRequest, payload: CardVerifyIn):
    """`result` is `valid`, `expired` (the QR code is older than two minutes), `revoked` (the
    membership was suspended or ended since) or `forged`. Only a valid card comes with `card`: the
    masked name, the union, the membership number and the status, as printed on the card; never an
    ID number or mobile. Needs a staff token with `benefits.redeem` (merchant clerks) or
    `members.view`; at most `CARD_VERIFY_RATE` (default 60 a minute) per token, then 429."""
    require_staff(request.auth)
    check = card_check(actor=request.auth, token=payload.token)
    card = None
    if check.result == "valid":
        membership = check.membership
        card = {
            "name": membership.person.name_masked,
            "union": membership.org.name,
            "number": membership.number,
            "status": membership.status,
            "status_label": str(membership.get_status_display()),
        }
    return {"result": check.result, "result_label": _result_labels()[check.result], "card": card}
