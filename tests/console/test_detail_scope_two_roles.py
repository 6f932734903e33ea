"""A transfer's or an application's page opens only where the viewer holds members.view (issue 7,
item 3): 甲公司工会's clerk who also holds cockpit_viewer on 房山 is scoped to the district, but
must not read other unions' transfers and applicants by their numbers, as the lists already hide
them."""

from __future__ import annotations

import pytest

from tests.conftest import staff_login
from tests.scope.personas import member_objects as _member_objects

pytestmark = pytest.mark.django_db


def test_the_two_role_persona_cannot_open_another_unions_transfer(tree, personas, client):
    objects = _member_objects(tree)
    staff_login(client, personas["union_a_fs_cockpit"])

    for response in (
        client.get(f"/console/transfers/{objects['transfer_b'].pk}/"),
        client.post(f"/console/transfers/{objects['transfer_b'].pk}/"),  # no decision: the form again
        client.post(f"/console/transfers/{objects['transfer_b'].pk}/cancel/", {"reason": "x" * 400}),
    ):
        assert response.status_code == 404
        assert "乙转会人" not in response.content.decode()
    # A transfer to its own union still opens.
    response = client.get(f"/console/transfers/{objects['transfer_fs'].pk}/")
    assert response.status_code == 200 and "房山转会人" in response.content.decode()


def test_the_two_role_persona_cannot_read_another_unions_applicant(tree, personas, client):
    objects = _member_objects(tree)
    staff_login(client, personas["union_a_fs_cockpit"])

    response = client.post(f"/console/applications/{objects['application_b'].pk}/")  # no decision
    assert response.status_code == 404
    assert "乙申请人" not in response.content.decode()
    response = client.get(f"/console/applications/{objects['application_a'].pk}/")
    assert response.status_code == 200 and "甲申请人" in response.content.decode()
