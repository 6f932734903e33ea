from __future__ import annotations

import pytest

from tests.factories.cases import make_case


@pytest.fixture
def world(case_world):
    return case_world


@pytest.fixture
def as_user(staff_client):
    """A console client signed in as ``user`` (past the second factor)."""
    return staff_client


@pytest.fixture
def new_case(case_world):
    return lambda **kw: make_case(case_world, **kw)
