"""The e-member card's typed form: the membership number and a 6-digit code that changes every
window (settings.CARD_CODE_WINDOW_SECONDS), for phones whose browser cannot scan a QR code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from smartunion.core.errors import Throttled
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import MembershipStatus
from smartunion.members.services import (
    card_check,
    card_code,
    card_token,
    card_verify,
    membership_transition,
)
from tests.factories import make_person


@pytest.fixture
def clock(monkeypatch):
    """The wall clock, moved by hand: ``clock.move(seconds)``."""

    class Clock:
        at = timezone.now()

        def move(self, seconds: int) -> None:
            self.at += timedelta(seconds=seconds)

    fake = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fake.at)
    return fake


@pytest.fixture
def member(tree):
    _person, membership = make_person(org=tree.union_a)
    return membership


def typed(membership, code: str) -> str:
    return f"{membership.number} {code}"


def test_the_current_code_is_valid_and_shows_the_member(member, clock):
    code = card_code(membership=member)
    assert len(code) == 6 and code.isdigit()
    check = card_verify(token=typed(member, code))
    assert check.result == "valid" and check.membership.pk == member.pk


def test_the_previous_window_is_valid_an_older_one_expired(member, settings, clock):
    code = card_code(membership=member)
    clock.move(settings.CARD_CODE_WINDOW_SECONDS)
    assert card_verify(token=typed(member, code)).result == "valid"
    clock.move(settings.CARD_CODE_WINDOW_SECONDS)
    assert card_verify(token=typed(member, code)).result == "expired"


def test_a_wrong_code_is_forged_and_so_is_an_unknown_number(member, clock):
    code = card_code(membership=member)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert card_verify(token=typed(member, wrong)).result == "forged"
    assert card_verify(token=f"9999999999 {code}").result == "forged"
    # Another member's code does not open this card.
    other = make_person(org=member.org)[1]
    assert card_verify(token=typed(member, card_code(membership=other))).result == "forged"


def test_a_card_version_bump_revokes_the_code(member, clock):
    code = card_code(membership=member)
    with scopes_disabled():
        membership_transition(membership=member, to=MembershipStatus.SUSPENDED, actor=None, reason="欠缴会费")
        member.refresh_from_db()
    assert member.card_version == 2
    assert card_verify(token=typed(member, code)).result == "revoked"


@pytest.mark.parametrize(
    "shape",
    [
        "{number}{code}",  # no space
        "  {number}   {code} ",
        "{number}\u3000{code}",  # the ideographic space of a Chinese input method
        "{wide}\u3000{wide_code}",  # full-width digits
        "{n1} {n2} {c1} {c2}",  # in groups, as read out
    ],
)
def test_the_typed_form_is_normalised(member, clock, shape):
    code = card_code(membership=member)
    number = member.number
    to_wide = str.maketrans("0123456789", "０１２３４５６７８９")
    text = shape.format(
        number=number,
        code=code,
        wide=number.translate(to_wide),
        wide_code=code.translate(to_wide),
        n1=number[:5],
        n2=number[5:],
        c1=code[:3],
        c2=code[3:],
    )
    assert card_verify(token=text).result == "valid"


def test_wrong_codes_are_counted_per_staff_member_then_refused(member, personas, settings, clock):
    settings.CARD_CODE_FAILURE_LIMIT = 3
    clerk, other = personas["fangshan_staff"], personas["union_a_staff"]
    code = card_code(membership=member)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(3):
        assert card_check(actor=clerk, token=typed(member, wrong)).result == "forged"
    # Over the limit even the right code is refused unchecked: guessing stops here.
    with pytest.raises(Throttled):
        card_check(actor=clerk, token=typed(member, code))
    # Another staff member is not held back, and the QR token still works for the first.
    assert card_check(actor=other, token=typed(member, code)).result == "valid"
    assert card_check(actor=clerk, token=card_token(membership=member)).result == "valid"
    clock.move(settings.CARD_CODE_FAILURE_WINDOW_SECONDS + 1)
    assert card_check(actor=clerk, token=typed(member, card_code(membership=member))).result == "valid"
