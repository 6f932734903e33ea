"""The statutory calculator: pure functions over ``Decimal`` (DOMAIN.md, "Wages, overtime,
compensation"). Every result carries ``formula``, a sentence in Chinese with the numbers filled in,
and ``basis``, the articles it rests on; money is rounded to the fen (two decimals, half up) once,
at the end of each amount, never in between.

Service length (劳动合同法 第四十七条): the service runs from ``start`` to ``end``, both days
included. Whole years are counted from anniversary to anniversary; what remains counts as one year
when it is six months or more, as half a month's wage when it is more than nothing but under six
months. Months are calendar months from the start date; a start on the 31st steps to the last day
of shorter months (民法典 第二百零二条: no corresponding day → the month's last day).

Double wages (劳动合同法 第八十二条; 实施条例 第六条、第七条): owed from the day after the first
month of employment (the first month is the employer's grace period to sign) up to the day before a
written contract was signed, at most up to the day before the first anniversary (from then an
open-ended contract is deemed made), and never after the employment ended. The period is counted in
calendar months from its first day; a remaining part of a month counts pro rata, as its days over
the days of that calendar month step (a part of 15 days in a 30-day step is 0.50 month). Months are
rounded to two decimals; at most 11.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# 劳社部发〔2008〕3号: monthly pay days (365 − 104) ÷ 12 = 21.75; hours 21.75 × 8 = 174.
PAY_DAYS_PER_MONTH = Decimal("21.75")
PAY_HOURS_PER_MONTH = Decimal("174")
# 劳动法 第四十四条: at least 150% on working days, 200% on rest days, 300% on statutory holidays.
WORKDAY_RATE = Decimal("1.5")
RESTDAY_RATE = Decimal("2")
HOLIDAY_RATE = Decimal("3")
# 劳动法 第四十一条: overtime at most 36 hours a month.
OVERTIME_MONTHLY_LIMIT = Decimal("36")
# 劳动合同法 第四十七条: wage capped at 3× the local average, and then the years at 12.
AVERAGE_WAGE_CAP = 3
CAPPED_YEARS = 12
# 劳动合同法 第八十二条: at most 11 months of double wages.
DOUBLE_WAGE_MAX_MONTHS = Decimal("11")
# 劳动争议调解仲裁法 第四十七条: final when a claim is at most 12 months of the local minimum wage.
FINAL_AWARD_MONTHS = 12

BASIS_COMPENSATION = "《中华人民共和国劳动合同法》第四十七条；《中华人民共和国劳动合同法实施条例》第二十七条"
BASIS_UNLAWFUL = "《中华人民共和国劳动合同法》第八十七条、第四十七条；《中华人民共和国劳动合同法实施条例》第二十五条、第二十七条"
BASIS_OVERTIME = (
    "《中华人民共和国劳动法》第四十四条、第四十一条；《工资支付暂行规定》第十三条；"
    "《关于职工全年月平均工作时间和工资折算问题的通知》（劳社部发〔2008〕3号）"
)
BASIS_DOUBLE_WAGES = (
    "《中华人民共和国劳动合同法》第八十二条；《中华人民共和国劳动合同法实施条例》第六条、第七条"
)
BASIS_FINAL_AWARD = "《中华人民共和国劳动争议调解仲裁法》第四十七条"


def money(value: Decimal) -> Decimal:
    """Rounded to the fen, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> str:
    return f"{money(value):.2f}"


def _number(value: Decimal) -> str:
    """A count (months, hours) without trailing zeros: 7.5, 12, 0.5."""
    text = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- dates ---------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; the 31st of a shorter month is its last day
    (民法典 第二百零二条)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Span:
    """A period of whole months and the days left over: ``months`` from the start, then ``days``."""

    months: int
    days: int

    @property
    def years(self) -> int:
        return self.months // 12


def span(start: date, end: date) -> Span:
    """The length of ``start`` .. ``end``, both days included, in whole calendar months from
    ``start`` and the days that remain. Zero when ``end`` is before ``start``."""
    after = end + timedelta(days=1)
    if after <= start:
        return Span(0, 0)
    months = (after.year - start.year) * 12 + after.month - start.month
    while months > 0 and add_months(start, months) > after:
        months -= 1
    return Span(months, (after - add_months(start, months)).days)


# --- economic compensation and unlawful termination ----------------------------------------------


@dataclass(frozen=True)
class CompensationResult:
    months: Decimal  # months of wage owed (for unlawful termination, twice the Art. 47 months)
    amount: Decimal
    formula: str
    basis: str
    wage_used: Decimal  # the monthly wage the months are multiplied by, after the floor and cap
    capped: bool = False  # the 3× cap applied (wage and years)
    raised_to_minimum: bool = False  # the wage was below the local minimum


def service_months(start: date, end: date) -> Decimal:
    """劳动合同法 第四十七条: months of wage for the service ``start`` .. ``end``: one a full year;
    a remainder of six months or more is one more, a shorter one half a month."""
    length = span(start, end)
    months = Decimal(length.years)
    rest_months, rest_days = length.months % 12, length.days
    if rest_months >= 6:
        months += 1
    elif rest_months or rest_days:
        months += Decimal("0.5")
    return months


def economic_compensation(
    *, monthly_wage: Decimal, start: date, end: date, local_average_wage: Decimal, local_minimum_wage: Decimal
) -> CompensationResult:
    """劳动合同法 第四十七条 with 实施条例 第二十七条. ``monthly_wage`` is the average of the twelve
    months before the contract ended (bonuses and allowances included)."""
    length = span(start, end)
    months = service_months(start, end)
    wage = monthly_wage
    steps: list[str] = []
    raised = False
    # 实施条例 第二十七条: the wage counted is not below the local minimum wage.
    if wage < local_minimum_wage:
        raised = True
        wage = local_minimum_wage
        steps.append(
            f"月工资{yuan(monthly_wage)}元低于当地最低工资标准{yuan(local_minimum_wage)}元，按最低工资标准计算"
        )
    cap = local_average_wage * AVERAGE_WAGE_CAP
    capped = False
    # 劳动合同法 第四十七条第二款: above 3× the local average, the wage is 3× and the years at most 12.
    if wage > cap:
        capped = True
        steps.append(
            f"月工资{yuan(wage)}元高于当地上年度职工月平均工资{yuan(local_average_wage)}元的三倍{yuan(cap)}元，"
            f"按{yuan(cap)}元计算，且支付年限最高不超过十二年"
        )
        wage = cap
        if months > CAPPED_YEARS:
            months = Decimal(CAPPED_YEARS)
    amount = money(wage * months)
    service = _describe_service(length)
    lead = "；".join(steps)
    formula = (
        f"{lead + '；' if lead else ''}工作年限{service}，计{_number(months)}个月工资："
        f"{yuan(wage)}元 × {_number(months)} = {yuan(amount)}元"
    )
    return CompensationResult(
        months=months.quantize(CENT),
        amount=amount,
        formula=formula,
        basis=BASIS_COMPENSATION,
        wage_used=money(wage),
        capped=capped,
        raised_to_minimum=raised,
    )


def unlawful_termination(
    *, monthly_wage: Decimal, start: date, end: date, local_average_wage: Decimal, local_minimum_wage: Decimal
) -> CompensationResult:
    """劳动合同法 第八十七条: twice the 第四十七条 compensation, counted from the start of employment,
    with no economic compensation on top (实施条例 第二十五条)."""
    base = economic_compensation(
        monthly_wage=monthly_wage,
        start=start,
        end=end,
        local_average_wage=local_average_wage,
        local_minimum_wage=local_minimum_wage,
    )
    amount = money(base.amount * 2)
    formula = (
        f"违法解除或终止劳动合同，按经济补偿标准的二倍支付赔偿金（不再支付经济补偿）。经济补偿：{base.formula}；"
        f"赔偿金：{yuan(base.amount)}元 × 2 = {yuan(amount)}元"
    )
    return CompensationResult(
        months=(base.months * 2).quantize(CENT),
        amount=amount,
        formula=formula,
        basis=BASIS_UNLAWFUL,
        wage_used=base.wage_used,
        capped=base.capped,
        raised_to_minimum=base.raised_to_minimum,
    )


def _describe_service(length: Span) -> str:
    parts = []
    if length.years:
        parts.append(f"{length.years}年")
    if length.months % 12:
        parts.append(f"{length.months % 12}个月")
    if length.days:
        parts.append(f"{length.days}天")
    return "".join(parts) or "0天"


# --- overtime ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OvertimeResult:
    daily_wage: Decimal
    hourly_wage: Decimal
    workday_amount: Decimal
    restday_amount: Decimal
    holiday_amount: Decimal
    total: Decimal
    formula: str
    basis: str
    # 劳动法 第四十一条: the hours read as one month's exceed 36 hours of overtime.
    over_monthly_limit: bool = False
    warnings: list[str] = field(default_factory=list)


def overtime_pay(
    *, monthly_wage: Decimal, workday_hours: Decimal, restday_hours: Decimal, holiday_hours: Decimal
) -> OvertimeResult:
    """劳动法 第四十四条 on the contract wage (工资支付暂行规定 第十三条): hourly wage = monthly ÷ 174,
    daily = monthly ÷ 21.75 (劳社部发〔2008〕3号; never 20.83 or 166.64, which are for working
    time). Each amount is computed from the unrounded hourly wage and rounded once; the total is
    the sum of the rounded amounts. Not for workers under the non-fixed hours system."""
    hourly = monthly_wage / PAY_HOURS_PER_MONTH
    daily = monthly_wage / PAY_DAYS_PER_MONTH
    workday = money(hourly * workday_hours * WORKDAY_RATE)
    restday = money(hourly * restday_hours * RESTDAY_RATE)
    holiday = money(hourly * holiday_hours * HOLIDAY_RATE)
    total = workday + restday + holiday
    hours = workday_hours + restday_hours + holiday_hours
    base = f"{yuan(monthly_wage)}元 ÷ 174"
    formula = (
        f"日工资 = {yuan(monthly_wage)}元 ÷ 21.75 = {yuan(daily)}元，小时工资 = {base} = {yuan(hourly)}元；"
        f"工作日加班 {base} × {_number(workday_hours)}小时 × 150% = {yuan(workday)}元；"
        f"休息日加班 {base} × {_number(restday_hours)}小时 × 200% = {yuan(restday)}元；"
        f"法定休假日加班 {base} × {_number(holiday_hours)}小时 × 300% = {yuan(holiday)}元；"
        f"合计 {yuan(total)}元"
    )
    warnings = []
    over = hours > OVERTIME_MONTHLY_LIMIT
    if over:
        # 劳动法 第四十一条: at most 36 hours a month; longer overtime is unlawful (the pay is owed all
        # the same).
        warnings.append(
            f"如为一个月内的加班，共{_number(hours)}小时，超过《劳动法》第四十一条每月不得超过36小时的限制，属违法延长工作时间"
        )
        formula += "。注意：" + warnings[0]
    return OvertimeResult(
        daily_wage=money(daily),
        hourly_wage=money(hourly),
        workday_amount=workday,
        restday_amount=restday,
        holiday_amount=holiday,
        total=money(total),
        formula=formula,
        basis=BASIS_OVERTIME,
        over_monthly_limit=over,
        warnings=warnings,
    )


def daily_overtime_unlawful(hours_in_a_day: Decimal, *, special: bool = False) -> bool:
    """劳动法 第四十一条: overtime is at most 1 hour a day, 3 in special cases."""
    return hours_in_a_day > (3 if special else 1)


# --- double wages without a written contract -----------------------------------------------------


@dataclass(frozen=True)
class DoubleWagesResult:
    months: Decimal
    amount: Decimal
    formula: str
    basis: str
    first_day: date | None  # the period owed, None when nothing is owed
    last_day: date | None


def double_wage_period(*, start: date, written_contract: date | None, end: date) -> tuple[date, date] | None:
    """The days for which the second wage is owed (both included), or None."""
    first = add_months(start, 1)  # the day after the first month
    last = add_months(start, 12) - timedelta(days=1)  # the day before the first anniversary
    if written_contract is not None:
        last = min(last, written_contract - timedelta(days=1))
    last = min(last, end)
    return (first, last) if last >= first else None


def double_wages(
    *, monthly_wage: Decimal, start: date, written_contract: date | None, end: date
) -> DoubleWagesResult:
    """劳动合同法 第八十二条; 实施条例 第六条、第七条: the second wage for each month worked without a
    written contract after the first, at most 11; see the module's docstring for partial months."""
    period = double_wage_period(start=start, written_contract=written_contract, end=end)
    if period is None:
        reason = (
            "入职一个月内签订了书面劳动合同"
            if written_contract is not None and written_contract <= add_months(start, 1)
            else "用工未超过一个月"
        )
        return DoubleWagesResult(
            months=ZERO,
            amount=ZERO,
            formula=f"{reason}，不支付二倍工资：0元",
            basis=BASIS_DOUBLE_WAGES,
            first_day=None,
            last_day=None,
        )
    first, last = period
    length = span(first, last)
    months = Decimal(length.months)
    if length.days:
        step_start = add_months(first, length.months)
        step_days = (add_months(first, length.months + 1) - step_start).days
        months += Decimal(length.days) / Decimal(step_days)
    months = min(months.quantize(CENT, rounding=ROUND_HALF_UP), DOUBLE_WAGE_MAX_MONTHS)
    amount = money(monthly_wage * months)
    part = f"{length.months}个月" + (f"又{length.days}天" if length.days else "")
    formula = (
        f"未签书面劳动合同期间{first.isoformat()}至{last.isoformat()}，共{part}，折合{_number(months)}个月"
        f"（最多11个月）：另一倍工资 {yuan(monthly_wage)}元 × {_number(months)} = {yuan(amount)}元"
    )
    return DoubleWagesResult(
        months=months,
        amount=amount,
        formula=formula,
        basis=BASIS_DOUBLE_WAGES,
        first_day=first,
        last_day=last,
    )


# --- final awards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinalAwardResult:
    final: bool
    threshold: Decimal
    formula: str
    basis: str


def final_award(*, claim_amount: Decimal, local_minimum_wage: Decimal) -> FinalAwardResult:
    """劳动争议调解仲裁法 第四十七条: an award on a claim for pay, work-injury medical costs, economic
    compensation or damages is final when the claim, item by item, is at most 12 months of the
    local monthly minimum wage."""
    threshold = money(local_minimum_wage * FINAL_AWARD_MONTHS)
    final = claim_amount <= threshold
    formula = (
        f"当地月最低工资标准{yuan(local_minimum_wage)}元 × 12 = {yuan(threshold)}元；"
        f"本项请求{yuan(claim_amount)}元{'未超过' if final else '超过'}该数额，"
        f"{'仲裁裁决为终局裁决' if final else '不适用终局裁决'}"
    )
    return FinalAwardResult(final=final, threshold=threshold, formula=formula, basis=BASIS_FINAL_AWARD)
