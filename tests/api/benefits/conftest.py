from __future__ import annotations

import pytest

from smartunion.benefits.services import claims
from tests.factories.benefits import make_benefits_world


@pytest.fixture
def world(tree):
    claims.use_backend("auto")
    return make_benefits_world(tree)


@pytest.fixture
def as_staff(db):
    """``as_staff(user)``: a client signed in as that staff account, once per account (a TOTP code
    is good for one sign-in)."""
    from django.test import Client

    from tests.api.conftest import ApiClient

    signed: dict = {}

    def sign_in(user) -> ApiClient:
        if user.pk not in signed:
            client = ApiClient(Client())
            client.sign_in_staff(user)
            signed[user.pk] = client
        return signed[user.pk]

    return sign_in
