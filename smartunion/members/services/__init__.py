"""Writes for people and memberships, one module per area; every public name is re-exported here, so
``from smartunion.members.services import X`` keeps working."""

from smartunion.members.services.activation import Activation, person_link, worker_activate
from smartunion.members.services.cards import CARD_SALT, CardCheck, card_check, card_token, card_verify
from smartunion.members.services.inbox import inbox_mark_read, inbox_send
from smartunion.members.services.joining import (
    account_close,
    join_apply,
    join_decide,
    join_withdraw,
    joinable,
    my_contact_update,
    my_data_export,
)
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
    birth_and_sex,
    clean_person_data,
    id_number_index,
    mobile_index,
    person_open,
    person_set_id_number,
    person_set_mobile,
    person_unmask,
    person_update,
)
from smartunion.members.services.transfers import (
    TRANSFERABLE_STATUSES,
    transfer_allowed,
    transfer_cancel,
    transfer_cancel_allowed,
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
    "birth_and_sex",
    "card_check",
    "card_token",
    "card_verify",
    "clean_person_data",
    "id_number_index",
    "inbox_mark_read",
    "inbox_send",
    "join_apply",
    "join_decide",
    "join_withdraw",
    "joinable",
    "member_enrol",
    "membership_set_status",
    "membership_staff_moves",
    "membership_transition",
    "mobile_index",
    "my_contact_update",
    "my_data_export",
    "person_link",
    "person_open",
    "person_set_id_number",
    "person_set_mobile",
    "person_unmask",
    "person_update",
    "register_org_delete_blocker",
    "transfer_allowed",
    "transfer_cancel",
    "transfer_cancel_allowed",
    "transfer_decide",
    "transfer_request",
    "worker_activate",
]
