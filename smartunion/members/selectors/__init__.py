"""Reads of people, memberships, applications and transfers; all through the scoped managers.

One module per area; every public name is re-exported here, so ``from smartunion.members.selectors
import X`` keeps working:

- ``search``: member search and the member list at a million members (``member_rows`` and the
  shapes of its SQL statement).
- ``records``: reads for staff pages: a person, their memberships and transfers, the queues, who
  opened a record; a person's current membership (held or applying) and held one, for every caller.
- ``worker``: the worker's own records (mobile web and API), outside any staff scope.
"""

from smartunion.members.selectors.records import (
    application_get,
    applications_escalated,
    applications_queue,
    current_of,
    membership_get,
    membership_history,
    person_access_history,
    person_current_membership,
    person_get,
    person_held_membership,
    person_memberships,
    person_transfers,
    transfer_get,
    transfers_incoming,
    transfers_open,
)
from smartunion.members.selectors.search import (
    MemberRow,
    SearchKind,
    classify_query,
    member_query_error,
    member_rows,
    person_search,
)
from smartunion.members.selectors.worker import (
    WorkerMembership,
    my_active_membership,
    my_memberships,
    my_person,
    my_transfers,
    occupation_tags,
    occupation_tags_by_code,
    worker_current_membership,
    worker_membership,
)

__all__ = [
    "MemberRow",
    "SearchKind",
    "WorkerMembership",
    "application_get",
    "applications_escalated",
    "applications_queue",
    "classify_query",
    "current_of",
    "member_query_error",
    "member_rows",
    "membership_get",
    "membership_history",
    "my_active_membership",
    "my_memberships",
    "my_person",
    "my_transfers",
    "occupation_tags",
    "occupation_tags_by_code",
    "person_access_history",
    "person_current_membership",
    "person_get",
    "person_held_membership",
    "person_memberships",
    "person_search",
    "person_transfers",
    "transfer_get",
    "transfers_incoming",
    "transfers_open",
    "worker_current_membership",
    "worker_membership",
]
