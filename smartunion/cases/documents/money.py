"""Money as printed on a legal document: figures with thousands separators and Chinese capitals.

The capitals (大写) follow the rules banks and courts use for 人民币 amounts (中国人民银行《支付结算
办法》附一《正确填写票据和结算凭证的基本规定》): 壹 is written before a leading 拾; a run of zeros
inside the number is one 零; a zero ten-thousand group is skipped; 整 closes an amount that ends at
元 or 角, never one with 分; 角 of zero with 分 not zero is written 零.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACE_UNITS = ("", "拾", "佰", "仟")  # inside a group of four digits, lowest first
WAN, YI = 10**4, 10**8
CENT = Decimal("0.01")
# Up to 9,999,9999,9999,9999.99: the 亿 count is itself written with 万 (壹万零壹亿).
LIMIT = Decimal(YI) ** 2


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
    highest group: elsewhere a group under 1000 follows a zero and starts with 零 (壹万零伍)."""
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


def _below_yi(value: int, *, leading: bool) -> str:
    """The capitals of 1..9999,9999; ``leading`` as for ``_group``."""
    high, low = divmod(value, WAN)
    out = _group(high, leading=leading) + "万" if high else ""
    if low:
        text = _group(low, leading=leading and not high)
        # A zero 万 group after 亿 reads as one 零 (壹亿零伍仟).
        if not leading and not high and not text.startswith("零"):
            text = "零" + text
        out += text
    return out


def _integer(value: int) -> str:
    high, low = divmod(value, YI)
    if not high:
        return _below_yi(value, leading=True)
    return _below_yi(high, leading=True) + "亿" + (_below_yi(low, leading=False) if low else "")


def capital(amount: Decimal) -> str:
    """``Decimal("21673.30")`` -> ``"贰万壹仟陆佰柒拾叁元叁角整"``; zero is ``"零元整"``."""
    fen_total = _check(amount)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)

    parts: list[str] = []
    if yuan:
        parts += [_integer(yuan), "元"]
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
