"""POST /api/v1/cards/verify: valid, expired, revoked and forged cards, what a valid answer may show,
who may ask, and the rate limit per token."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client

from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import MembershipStatus
from smartunion.members.services import membership_transition
from tests.api.conftest import ApiClient, is_chinese
from tests.factories import StaffFactory, WorkerFactory, make_person

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
MOBILE = "13912345678"


@pytest.fixture
def member(tree):
    worker = WorkerFactory(mobile=MOBILE)
    person, membership = make_person(
        org=tree.union_c, user=worker, real_name="张三丰", id_number=ID_NUMBER, mobile=MOBILE
    )
    return worker, person, membership


@pytest.fixture
def card_token(member):
    """The token the member's own card shows, fetched as the member's app does."""
    worker, _person, _membership = member
    app = ApiClient(Client())
    app.sign_in_worker(worker)
    return app.get("/api/v1/me/card").json()["token"]


@pytest.fixture
def clerk(tree):
    """A breakfast shop's clerk in another district: cards are shown across the federation."""
    return StaffFactory(
        username="shop.clerk", home_org=tree.street_fs, roles=[("merchant_clerk", tree.street_fs)]
    )


@pytest.fixture
def scanner(api, clerk):
    api.sign_in_staff(clerk)
    return api


def verify(api, token):
    return api.post("/api/v1/cards/verify", {"token": token})


def test_a_valid_card_shows_only_what_the_card_shows(scanner, card_token, member):
    _worker, _person, membership = member

    response = verify(scanner, card_token)

    body = response.json()
    assert response.status_code == 200
    assert body == {
        "result": "valid",
        "result_label": "有效会员卡",
        "card": {
            "name": "张**",
            "union": "丙公司工会",
            "number": membership.number,
            "status": "active",
            "status_label": "正常",
        },
    }
    text = response.content.decode()
    assert ID_NUMBER not in text and MOBILE not in text and "张三丰" not in text


def test_an_expired_code_reveals_nothing(scanner, card_token, settings):
    settings.CARD_TOKEN_TTL_SECONDS = -1

    body = verify(scanner, card_token).json()

    assert body["result"] == "expired"
    assert body["card"] is None
    assert body["result_label"] == "此二维码已过期：请会员刷新会员卡。"


def test_suspension_revokes_the_card_at_once(scanner, card_token, member):
    _worker, _person, membership = member
    with scopes_disabled():
        membership_transition(
            membership=membership, to=MembershipStatus.SUSPENDED, actor=None, reason="欠缴会费"
        )

    response = verify(scanner, card_token)

    assert response.json() == {"result": "revoked", "result_label": "此会员卡已失效。", "card": None}
    assert membership.number not in response.content.decode()


@pytest.mark.parametrize("tamper", ["flip_last", "other_key", "garbage"])
def test_a_forged_token_reveals_nothing(scanner, card_token, member, tamper):
    _worker, _person, membership = member
    forged = {
        "flip_last": card_token[:-2] + ("AA" if card_token[-2:] != "AA" else "BB"),
        "other_key": signing.dumps(
            {"m": membership.pk, "v": membership.card_version},
            key="not-our-key",
            salt="smartunion.members.card",
            compress=True,
        ),
        "garbage": "这不是二维码",
    }[tamper]

    response = verify(scanner, forged)

    assert response.json() == {"result": "forged", "result_label": "这不是有效的会员卡。", "card": None}
    assert "丙公司工会" not in response.content.decode()


def test_union_staff_with_members_view_may_verify(api_as, card_token):
    assert verify(api_as("fangshan_staff"), card_token).json()["result"] == "valid"


def test_staff_without_either_flag_and_workers_are_refused(api_as, api, card_token, worker):
    viewer = verify(api_as("fangshan_viewer"), card_token)  # cockpit.view only
    api.sign_in_worker(worker)
    as_worker = verify(api, card_token)
    api.token = None
    anonymous = verify(api, card_token)

    assert viewer.status_code == 403
    assert is_chinese(viewer.json()["message"])
    assert "丙公司工会" not in viewer.content.decode()
    assert as_worker.status_code == 403
    assert anonymous.status_code == 401


def test_bad_input_is_422(scanner):
    missing = scanner.post("/api/v1/cards/verify", {})
    too_long = scanner.post("/api/v1/cards/verify", {"token": "x" * 1001})

    assert missing.json()["fields"] == {"body.token": ["此项为必填项。"]}
    assert too_long.json()["fields"] == {"body.token": ["最多输入 1000 个字符。"]}


def test_verification_is_rate_limited_per_token(scanner, card_token, clerk, settings):
    settings.CARD_VERIFY_RATE = "3/m"

    answers = [verify(scanner, card_token) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert limited.json() == {"code": "throttled", "message": "请求过于频繁，请稍后再试。", "fields": {}}
    assert 0 < int(limited["Retry-After"]) <= 60
    # Another device (another token) of the same shop has its own budget.
    other = ApiClient(Client())
    other.sign_in_staff(StaffFactory(roles=[("merchant_clerk", clerk.home_org)]))
    assert verify(other, card_token).status_code == 200


def test_the_number_and_code_from_the_app_verify_when_typed(scanner, member, api, settings):
    """The app shows the number and code for a clerk whose phone cannot scan; the clerk types them."""
    worker, _person, membership = member
    app = ApiClient(Client())
    app.sign_in_worker(worker)
    card = app.get("/api/v1/me/card").json()
    assert card["code"].isdigit() and len(card["code"]) == 6
    body = verify(scanner, f"{card['number']} {card['code']}").json()
    assert body["result"] == "valid" and body["card"]["number"] == membership.number
    assert body["card"]["name"] == "张**"
    wrong = f"{(int(card['code']) + 1) % 1_000_000:06d}"
    settings.CARD_CODE_FAILURE_LIMIT = 1
    forged = verify(scanner, f"{card['number']}{wrong}").json()
    assert forged["result"] == "forged" and forged["card"] is None
    stopped = verify(scanner, f"{card['number']}{card['code']}")
    assert stopped.status_code == 429 and stopped.json()["code"] == "throttled"
    assert stopped["Retry-After"] == str(settings.CARD_CODE_FAILURE_WINDOW_SECONDS)
