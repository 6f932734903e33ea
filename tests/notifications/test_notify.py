"""What the other domains call to tell a worker something: an inbox message, a text message."""

from __future__ import annotations

import pytest

from smartunion.notifications import senders
from smartunion.notifications.selectors import inbox_counts, inbox_list
from smartunion.notifications.services import inbox_mark_read, notify, sms_send_code
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def test_a_message_lands_in_the_inbox_of_its_user_only():
    worker, other = WorkerFactory(), WorkerFactory()
    notify(user=worker, title="欢迎加入工会", body="您的会员号是 0000000001。")
    notify(user_id=worker.pk, title="x" * 250)
    titles = [m.title for m in inbox_list(user=worker)]
    assert titles == ["x" * 200, "欢迎加入工会"]  # newest first; a title is cut to its column
    assert inbox_counts(user=worker) == (2, 2)
    assert inbox_list(user=other) == []


def test_marking_read_touches_only_the_users_own_messages():
    worker, other = WorkerFactory(), WorkerFactory()
    mine = notify(user=worker, title="一")
    notify(user=worker, title="二")
    theirs = notify(user=other, title="别人的")
    assert inbox_mark_read(user=worker, pk=theirs.pk) == 0
    assert inbox_mark_read(user=worker, pk=mine.pk) == 1
    assert inbox_counts(user=worker) == (2, 1)
    assert inbox_mark_read(user=worker) == 1
    assert inbox_counts(user=worker) == (2, 0) and inbox_counts(user=other) == (1, 1)


def test_a_code_goes_out_through_the_configured_sender():
    sms_send_code(mobile="13912340001", code="482915")
    assert senders.OUTBOX["13912340001"] == "482915"  # the development sender keeps the last code
