"""Writes for people and memberships. Each service is one transaction with its audit record.

One module per area; every public name is re-exported here, so ``from smartunion.members.services
import X`` keeps working:

- ``people``: personal data (setting the ID number and mobile, the one cleaning of a person's
  fields); staff opening, unmasking and correcting a record.
- ``membership``: membership numbers, the one status transition, staff enrolment and status
  changes, the blocker on deleting a union with members.
- ``joining``: applying (工会法 第三条, 中国工会章程), deciding, withdrawing.
- ``transfers``: membership follows the work relationship and transfers with it.
- ``cards``: the e-member card's token and its verification.
- ``activation``: a worker's account linked to the record union staff entered, by the mobile.
- ``self_service``: the worker's own data (PIPL 第四十四条—第四十七条): export, correction, closing.

Inside the package, modules import each other by their own names (``services.people``), never
through this package, so patch a name where it is looked up.
"""

from smartunion.members.services.activation import Activation, person_link, worker_activate
from smartunion.members.services.cards import (
    CARD_SALT,
    CardCheck,
    card_check,
    card_code,
    card_token,
    card_verify,
    typed_card_code,
)
from smartunion.members.services.joining import join_apply, join_decide, join_withdraw, joinable
from smartunion.members.services.membership import (
    STAFF_STATUS_MOVES,
    allocate_membership_numbers,
    member_enrol,
    membership_set_status,
    membership_staff_moves,
    membership_transition,
    register_org_delete_blocker,
)
from smartunion.members.services.people import (
    PERSON_FIELDS,
    clean_person_data,
    person_open,
    person_set_id_number,
    person_set_mobile,
    person_unmask,
    person_update,
)
from smartunion.members.services.self_service import account_close, my_contact_update, my_data_export
from smartunion.members.services.transfers import (
    TRANSFERABLE_STATUSES,
    transfer_cancel,
    transfer_decide,
    transfer_request,
)

__all__ = [
    "Activation",
    "CARD_SALT",
    "CardCheck",
    "PERSON_FIELDS",
    "STAFF_STATUS_MOVES",
    "TRANSFERABLE_STATUSES",
    "account_close",
    "allocate_membership_numbers",
    "card_check",
    "card_code",
    "card_token",
    "card_verify",
    "clean_person_data",
    "join_apply",
    "join_decide",
    "join_withdraw",
    "joinable",
    "member_enrol",
    "membership_set_status",
    "membership_staff_moves",
    "membership_transition",
    "my_contact_update",
    "my_data_export",
    "person_link",
    "person_open",
    "person_set_id_number",
    "person_set_mobile",
    "person_unmask",
    "person_update",
    "register_org_delete_blocker",
    "transfer_cancel",
    "transfer_decide",
    "transfer_request",
    "typed_card_code",
    "worker_activate",
]
