"""The daily case reminders reach the mediator in the console: on the start page and under 提醒."""

from __future__ import annotations

from smartunion.cases.tasks import clock_reminders
from smartunion.notifications.models import InboxMessage


def test_a_clock_reminder_shows_on_the_start_page_until_read(world, as_user, new_case):
    case = new_case(status="assigned")
    clock_reminders(today=case.next_clock.isoformat())
    client = as_user(world.mediator_fs)
    home = client.get("/console/").content.decode()
    assert 'id="reminders"' in home and case.number in home and f"/console/cases/{case.pk}/" in home
    inbox = client.get("/console/inbox/").content.decode()
    assert case.number in inbox and "1 条未读" in inbox
    message = InboxMessage.objects.get(user=world.mediator_fs)
    assert client.post("/console/inbox/read/", {"message": message.pk}).status_code == 302
    assert 'id="reminders"' not in client.get("/console/").content.decode()
    # Someone else's reminder cannot be marked read, and is not shown.
    theirs = InboxMessage.objects.create(user=world.mediator_fs2, title="别人的提醒")
    assert "别人的提醒" not in client.get("/console/inbox/").content.decode()
    client.post("/console/inbox/read/", {"message": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # (one test client: signing in as the other mediator replaces the session)
    assert "别人的提醒" in as_user(world.mediator_fs2).get("/console/inbox/").content.decode()
