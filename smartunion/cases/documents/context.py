"""What a case document needs, as plain frozen data: no model, no query.

The cases app builds a ``DocumentContext`` from a case (its adapter) and hands it to
``documents.render``; the documents know nothing of the database, so they can be rendered and
tested on their own. Text fields hold what is printed, already in Chinese (names, addresses, the
facts as the worker wrote them, the claim labels); an empty string prints as a blank line to be
filled in by hand. Money is ``Decimal`` with at most two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from smartunion.core import personal

# 人民调解法 第三十三条: the parties apply for judicial confirmation jointly within 30 days of the
# agreement taking effect.
JUDICIAL_CONFIRMATION_DAYS = 30


class DocumentUnavailable(ValueError):
    """The case lacks what a document needs: an agreement for the agreement, an overdue payment
    for the payment order."""


@dataclass(frozen=True)
class Worker:
    """A worker: the applicant, or a representative of a collective case (劳动争议调解仲裁法 第七条).

    ``sex`` is ``core.personal.MALE`` / ``FEMALE`` ("M" / "F"), or "" when unknown.
    """

    name: str
    sex: str = ""
    birth_date: date | None = None
    ethnicity: str = ""
    id_number: str = ""
    occupation: str = ""
    workplace: str = ""
    residence: str = ""
    mobile: str = ""

    @property
    def sex_label(self) -> str:
        return {personal.MALE: "男", personal.FEMALE: "女"}.get(self.sex, "")

    def age_on(self, day: date) -> int | None:
        """Age in whole years on ``day`` (劳动争议调解仲裁法 第二十八条 asks for the age)."""
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class Employer:
    """The employer (被申请人): what 劳动争议调解仲裁法 第二十八条 asks for, and how to reach it."""

    name: str
    credit_code: str = ""
    address: str = ""
    legal_representative: str = ""
    legal_representative_title: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class ClaimLine:
    """One claim: ``label`` is the request as printed ("支付拖欠的工资"), ``amount`` None when the
    claim is not for money (confirming a labour relationship), ``reason`` its facts and reasons."""

    label: str
    amount: Decimal | None = None
    reason: str = ""


@dataclass(frozen=True)
class EvidenceLine:
    """One piece of evidence with its source; a witness's name and address when it is testimony
    (劳动争议调解仲裁法 第二十八条)."""

    description: str
    source: str = ""
    witness_name: str = ""
    witness_address: str = ""


@dataclass(frozen=True)
class AgreementItem:
    """One obligation in a mediation agreement: what is paid, how much, by when; ``paid`` is what
    has been paid of it so far (for the payment-order application, 劳动争议调解仲裁法 第十六条)."""

    what: str
    amount: Decimal
    due: date
    paid: Decimal = Decimal("0.00")

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.paid, Decimal("0.00"))


@dataclass(frozen=True)
class DocumentContext:
    """Everything any of the case documents prints.

    - ``case_number``: printed in every page's footer.
    - ``centre_name`` / ``centre_address`` / ``centre_phone``: the mediation organisation.
    - ``received_on``: the day the centre received the application (劳动争议调解仲裁法 第十四条).
    - ``channel``: how the application came in, as printed ("网上申请", "电话申请", "现场口头申请");
      ``oral`` marks an oral application the centre recorded on the spot (第十二条).
    - ``dispute_types``: printed labels ("拖欠工资", "经济补偿").
    - ``request``: what the applicant asks for, in their words, beyond the claim lines (may be "").
    - ``co_respondents``: respondents beside the employer (a dispatching agency); the arbitration
      application is filed with one copy per respondent (第二十八条).
    - ``representatives`` and ``collective_headcount``: a collective case (第七条); empty and 0 otherwise.
    - ``agreement_items``, ``agreement_terms`` (other agreed terms, one sentence each),
      ``agreement_date`` (the day it was signed and took effect, 第十四条) and
      ``performance_deadline`` (第十五条).
    - ``arbitration_committee`` and ``court_name``: where the arbitration application, the
      payment order and the judicial confirmation are filed; "" prints a blank to fill in.
    - ``generated_at``: an aware datetime, printed as the document's date when no other date applies.
    """

    case_number: str
    centre_name: str
    received_on: date
    applicant: Worker
    employer: Employer
    generated_at: datetime
    centre_address: str = ""
    centre_phone: str = ""
    channel: str = ""
    oral: bool = False
    dispute_types: tuple[str, ...] = ()
    employment_start: date | None = None
    employment_end: date | None = None
    claims: tuple[ClaimLine, ...] = ()
    facts: str = ""
    request: str = ""
    evidence: tuple[EvidenceLine, ...] = ()
    co_respondents: tuple[Employer, ...] = ()
    representatives: tuple[Worker, ...] = ()
    collective_headcount: int = 0
    agreement_items: tuple[AgreementItem, ...] = ()
    agreement_terms: tuple[str, ...] = ()
    agreement_date: date | None = None
    performance_deadline: date | None = None
    mediator_name: str = ""
    arbitration_committee: str = ""
    court_name: str = ""

    @property
    def respondents(self) -> tuple[Employer, ...]:
        return (self.employer, *self.co_respondents)

    @property
    def claimed_total(self) -> Decimal:
        return sum((c.amount for c in self.claims if c.amount is not None), Decimal("0.00"))

    @property
    def agreed_total(self) -> Decimal:
        return sum((i.amount for i in self.agreement_items), Decimal("0.00"))

    @property
    def outstanding_total(self) -> Decimal:
        return sum((i.outstanding for i in self.agreement_items), Decimal("0.00"))

    @property
    def judicial_confirmation_by(self) -> date | None:
        # 人民调解法 第三十三条: within 30 days of the agreement taking effect.
        if self.agreement_date is None:
            return None
        return self.agreement_date + timedelta(days=JUDICIAL_CONFIRMATION_DAYS)
