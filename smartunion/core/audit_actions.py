"""What the audit log records: one ``AuditAction`` per kind of event, its value the code stored in
``AuditEvent.action`` and its label the words the console's audit log shows (zulip's
``AuditLogEventType`` is the model). ``audit_record`` takes only these members, so a new domain
adds its actions here, each with a label, and cannot write a free string.

The values are stored in records and hashed into the chain: never change or reuse one. The order is
the order of the audit log's action filter."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    SIGNIN_PASSWORD = "signin.password", _("Password sign-in")
    SIGNIN_SECOND_FACTOR = "signin.second_factor", _("Second-factor sign-in")
    SIGNIN_CODE = "signin.code", _("One-time code sign-in")
    TWO_FACTOR_ENROL = "2fa.enrol", _("Authenticator enrolled")
    TWO_FACTOR_RESET = "2fa.reset", _("Authenticator reset by an administrator")
    REAUTH = "reauth", _("Re-authentication")
    TOKEN_ISSUE = "token.issue", _("API token issued")
    TOKEN_REVOKE = "token.revoke", _("API token revoked")
    WORKER_REGISTER = "worker.register", _("Worker registered")
    WORKER_ACTIVATE = "worker.activate", _("Worker linked their member record to their account")
    PERSON_SELF_UPDATE = "person.self_update", _("Worker corrected their own data")
    PERSON_SELF_EXPORT = "person.self_export", _("Worker downloaded their own data")
    ACCOUNT_CLOSE = "account.close", _("Worker closed their account")
    PASSWORD_CHANGE = "password.change", _("Password changed")
    ROLE_GRANT = "role.grant", _("Role granted")
    ROLE_REVOKE = "role.revoke", _("Role revoked")
    STAFF_CREATE = "staff.create", _("Staff account created")
    ORG_CREATE = "org.create", _("Organisation added")
    ORG_UPDATE = "org.update", _("Organisation edited")
    ORG_MOVE = "org.move", _("Organisation moved")
    ORG_DELETE = "org.delete", _("Organisation deleted")
    ENTERPRISE_CREATE = "enterprise.create", _("Enterprise registered")
    ENTERPRISE_UPDATE = "enterprise.update", _("Enterprise edited")
    ENTERPRISE_DELETE = "enterprise.delete", _("Enterprise deleted")
    PERSON_VIEW = "person.view", _("Member record opened")
    PERSON_UNMASK = "person.unmask", _("Full personal data shown")
    PERSON_UPDATE = "person.update", _("Member record edited")
    MEMBER_ENROL = "member.enrol", _("Member enrolled by staff")
    PERSON_ENROL = "person.enrol", _("Member record entered by staff")
    MEMBERSHIP_APPLY = "membership.apply", _("Application to join")
    MEMBERSHIP_TRANSITION = "membership.transition", _("Membership status changed")
    TRANSFER_REQUEST = "transfer.request", _("Transfer requested")
    TRANSFER_APPROVE = "transfer.approve", _("Transfer approved")
    TRANSFER_REJECT = "transfer.reject", _("Transfer rejected")
    TRANSFER_CANCEL = "transfer.cancel", _("Transfer called off")
    ROSTER_VALIDATE = "roster.validate", _("Roster uploaded and checked")
    ROSTER_IMPORT = "roster.import", _("Roster imported")
    ROSTER_EXPORT = "roster.export", _("Roster exported (masked)")
    ROSTER_EXPORT_UNMASKED = "roster.export_unmasked", _("Roster exported with full personal data")
    HOLIDAY_CREATE = "holiday.create", _("Holiday calendar: date added")
    HOLIDAY_UPDATE = "holiday.update", _("Holiday calendar: date changed")
    HOLIDAY_DELETE = "holiday.delete", _("Holiday calendar: date removed")
    HOLIDAY_NOTICE = "holiday.notice", _("Holiday calendar: notice entered")
    HOLIDAY_NOTICE_DELETE = "holiday.notice_delete", _("Holiday calendar: notice deleted")
    CASE_CREATE = "case.create", _("Case opened")
    CASE_VIEW = "case.view", _("Case opened for reading")
    CASE_UNMASK = "case.unmask", _("Case: full personal data shown")
    CASE_TRANSITION = "case.transition", _("Case status changed")
    CASE_MOVE = "case.move", _("Case moved to another centre")
    CASE_CONTACT = "case.contact", _("Case: contact logged")
    CASE_MATERIAL_REQUEST = "case.material_request", _("Case: material requested")
    CASE_MATERIAL_SUPPLIED = "case.material_supplied", _("Case: material supplied")
    CASE_PAYMENT = "case.payment", _("Case: payment recorded")
    CASE_EVIDENCE_ADD = "case.evidence_add", _("Case: evidence added")
    CASE_EVIDENCE_VIEW = "case.evidence_view", _("Case: evidence file opened")
    CASE_DOCUMENT = "case.document", _("Case: document produced")
    CASE_DOCUMENT_VIEW = "case.document_view", _("Case: document downloaded")
    CASE_SHARE = "case.share", _("Case: sharing requested")
    CASE_SHARE_ANSWER = "case.share_answer", _("Case: worker answered a sharing request")
    CASE_RATE = "case.rate", _("Case: worker rated the service")
    CASE_LOOKUP = "case.lookup", _("Case looked up by number and code")
    CASE_ROUTING_CHANGE = "case.routing", _("Case routing rule changed")
    FIGURE_CREATE = "figure.create", _("Regional wage figures added")
    FIGURE_UPDATE = "figure.update", _("Regional wage figures changed")
    DEMO_SEED = "demo.seed", _("Demo data created (organisations and accounts)")
    DEMO_MEMBERS = "demo.members", _("Demo data created (members)")
    DEMO_CASES = "demo.cases", _("Demo data created (cases)")
    AUDIT_REKEY = "audit.rekey", _("Audit chain keyed from here on (re-key record)")
    PASSWORD_RESET = "password.reset", _("Worker reset their password by one-time code")
    ACCOUNT_MOBILE_CHANGE = "account.mobile_change", _("Worker changed their sign-in number")

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored action in the active language; an unknown code stays as it is."""
        member = cls._value2member_map_.get(value)
        return str(member.label) if isinstance(member, cls) else value
