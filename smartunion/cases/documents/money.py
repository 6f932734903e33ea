"""Money as printed on a legal document: figures with thousands separators and Chinese capitals.

The capitals (大写) follow the rules banks and courts use for 人民币 amounts (中国人民银行《支付结算
办法》附一《正确填写票据和结算凭证的基本规定》): 壹 is written before a leading 拾; a run of zeros
inside the number is one 零; a zero ten-thousand group is skipped; 整 closes an amount that ends at
元 or 角, never one with 分; 角 of zero with 分 not zero is written 零.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
# Units inside a group of four digits, lowest first, and the groups' own units.
PLACE_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")
CENT = Decimal("0.01")
LIMIT = Decimal(10) ** (4 * len(GROUP_UNITS))


def _check(amount: Decimal) -> int:
    """The amount in fen; rejects what a document must never print."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"not a finite Decimal amount: {amount!r}")
    if amount < 0:
        raise ValueError(f"negative amount: {amount}")
    if amount != amount.quantize(CENT):
        raise ValueError(f"more than two decimals: {amount}")
    if amount >= LIMIT:
        raise ValueError(f"amount too large: {amount}")
    return int(amount * 100)


def figures(amount: Decimal) -> str:
    """``Decimal("21673.3")`` -> ``"21,673.30"``."""
    _check(amount)
    return f"{amount:,.2f}"


def _group(value: int, *, leading: bool) -> str:
    """The capitals of a group of four digits (1..9999). ``leading`` is true for the number's
    highest group, where 壹拾 is still written 壹拾 (not 拾) and no 零 comes first."""
    out: list[str] = []
    pending_zero = not leading and value < 1000
    for place in range(3, -1, -1):
        digit = value // 10**place % 10
        if digit == 0:
            if out:
                pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[digit] + PLACE_UNITS[place])
    return "".join(out)


def capital(amount: Decimal) -> str:
    """``Decimal("21673.30")`` -> ``"贰万壹仟陆佰柒拾叁元叁角整"``; zero is ``"零元整"``."""
    fen_total = _check(amount)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)

    parts: list[str] = []
    if yuan:
        groups = []
        remaining = yuan
        while remaining:
            groups.append(remaining % 10000)
            remaining //= 10000
        highest = len(groups) - 1
        zero_gap = False
        for index in range(highest, -1, -1):
            value = groups[index]
            if value == 0:
                zero_gap = True
                continue
            text = _group(value, leading=index == highest)
            # A skipped zero group between two written ones reads as one 零 (壹亿零伍元).
            if zero_gap and not text.startswith("零"):
                text = "零" + text
            zero_gap = False
            parts.append(text + GROUP_UNITS[index])
        parts.append("元")
    if jiao:
        parts.append(DIGITS[jiao] + "角")
    if fen:
        if yuan and not jiao:
            parts.append("零")
        parts.append(DIGITS[fen] + "分")
    if not parts:
        return "零元整"
    if not fen:
        parts.append("整")
    return "".join(parts)


def amount_text(amount: Decimal) -> str:
    """Both forms, as a document prints an amount: ``21,673.30 元（大写：贰万壹仟陆佰柒拾叁元叁角整）``."""
    return f"{figures(amount)} 元（大写：人民币{capital(amount)}）"
