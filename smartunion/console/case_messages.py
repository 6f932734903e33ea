"""Ready-made summaries for the contact log: the mediator picks one and the summary field is filled,
then edits it. Data, not code: a centre that wants other wording changes this list.

Each entry: (key, the party it usually concerns, the channel, the text). The texts are the words a
mediator writes in Chinese in the record (the record is kept in the language of the case file, not
the viewer's), so they are not translated.
"""

from __future__ import annotations

from smartunion.cases.models import CaseKind, ContactChannel, ContactParty

CONTACT_TEMPLATES: tuple[tuple[str, str, str, str], ...] = (
    ("worker_first_call", ContactParty.WORKER, ContactChannel.PHONE, "已电话联系职工了解工作经历与争议情况"),
    ("employer_notice", ContactParty.EMPLOYER, ContactChannel.PHONE, "已通知用人单位参加调解"),
    ("worker_materials", ContactParty.WORKER, ContactChannel.MESSAGE, "已告知职工需补充的证据材料及提交方式"),
    ("employer_position", ContactParty.EMPLOYER, ContactChannel.PHONE, "已听取用人单位对争议事项的意见"),
    ("meeting_both", ContactParty.WORKER, ContactChannel.MEETING, "已组织双方当面调解，双方陈述了各自意见"),
    ("worker_result", ContactParty.WORKER, ContactChannel.PHONE, "已告知职工调解进展及下一步安排"),
    (
        "worker_arbitration",
        ContactParty.WORKER,
        ContactChannel.PHONE,
        "已告知职工可向劳动人事争议仲裁委员会申请仲裁",
    ),
    (
        "employer_payment",
        ContactParty.EMPLOYER,
        ContactChannel.PHONE,
        "已督促用人单位按调解协议约定期限支付款项",
    ),
)


# Templates that speak of mediation: not offered on legal-aid and consultation cases.
MEDIATION_ONLY = frozenset({"employer_notice", "meeting_both", "employer_payment"})


def contact_templates(kind: str) -> tuple[tuple[str, str, str, str], ...]:
    """The templates that fit a case of ``kind``."""
    if kind == CaseKind.MEDIATION:
        return CONTACT_TEMPLATES
    return tuple(entry for entry in CONTACT_TEMPLATES if entry[0] not in MEDIATION_ONLY)


def contact_template(key: str) -> tuple[str, str, str] | None:
    """(party, channel, text) of a template, or None."""
    for entry_key, party, channel, text in CONTACT_TEMPLATES:
        if entry_key == key:
            return party, channel, text
    return None
