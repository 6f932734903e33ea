from __future__ import annotations

import pytest

from smartunion.benefits.services import claims
from smartunion.benefits.services.breakfast import meal_record
from smartunion.core.scoping import scopes_disabled
from smartunion.members.services.cards import card_token
from tests.factories.benefits import make_benefits_world


@pytest.fixture
def world(tree, settings, tmp_path):
    """房山's theatre and noodle shop with clerks and an open campaign of 5 (tests/factories)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    claims.use_backend("auto")
    return make_benefits_world(tree)


@pytest.fixture
def as_user(staff_client):
    """A console client signed in as ``user`` (past the second factor)."""
    return staff_client


def serve_breakfast(world, person):
    """The noodle shop's clerk scans the worker's card: one meal at the shop's price."""
    with scopes_disabled():
        membership = person.memberships.get(status="active")
    return meal_record(actor=world.noodle_clerk, card_token=card_token(membership=membership))
