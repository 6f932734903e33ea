"""Amounts as a document prints them: figures with thousands separators and Chinese capitals (大写)
as banks and courts write them (中国人民银行《正确填写票据和结算凭证的基本规定》)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartunion.cases.documents import capital, figures

CENT = Decimal("0.01")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.50", "伍角整"),
        ("10.00", "壹拾元整"),
        ("100005.07", "壹拾万零伍元零柒分"),
        ("21673.30", "贰万壹仟陆佰柒拾叁元叁角整"),
        ("1000000.00", "壹佰万元整"),
        ("0.00", "零元整"),
        ("0.05", "伍分"),
        ("0.35", "叁角伍分"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("10010.00", "壹万零壹拾元整"),
        ("1001.00", "壹仟零壹元整"),
        ("20000.20", "贰万元贰角整"),
        ("100000001.00", "壹亿零壹元整"),
        ("120000000.00", "壹亿贰仟万元整"),
        ("100100000.00", "壹亿零壹拾万元整"),
        ("1000000.05", "壹佰万元零伍分"),
        ("100005000.00", "壹亿零伍仟元整"),
        ("100500000.00", "壹亿零伍拾万元整"),
        ("1000000000000.00", "壹万亿元整"),
        ("1000100000000.00", "壹万零壹亿元整"),
    ],
)
def test_capitals_of_worked_examples(amount, words):
    assert capital(Decimal(amount)) == words


@pytest.mark.parametrize(
    ("amount", "printed"),
    [("21673.3", "21,673.30"), ("1000000", "1,000,000.00"), ("0.5", "0.50"), ("999.99", "999.99")],
)
def test_figures_have_thousands_separators_and_two_decimals(amount, printed):
    assert figures(Decimal(amount)) == printed


@pytest.mark.parametrize("amount", [Decimal("-1.00"), Decimal("1.005"), Decimal("NaN"), Decimal("1e20")])
def test_an_amount_a_document_must_not_print_is_refused(amount):
    with pytest.raises(ValueError):
        capital(amount)
    with pytest.raises(ValueError):
        figures(amount)


DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = {"拾": 10, "佰": 100, "仟": 1000}


def _read_integer(words: str) -> int:
    """An independent reader of capitals up to 万亿, to check the writer against."""
    total = section = digit = 0
    for char in words:
        if char in DIGITS:
            digit = DIGITS.index(char)
        elif char in PLACES:
            section += digit * PLACES[char]
            digit = 0
        elif char == "万":
            section = (section + digit) * 10_000
            digit = 0
        elif char == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {char!r} in {words!r}")
    return total + section + digit


def read_capitals(words: str) -> Decimal:
    match = re.fullmatch(r"(?:(.+)元)?零?(?:(.)角)?(?:(.)分)?(整)?", words)
    assert match, words
    yuan, jiao, fen, _ = match.groups()
    fen_total = _read_integer(yuan or "") * 100
    fen_total += DIGITS.index(jiao) * 10 if jiao else 0
    fen_total += DIGITS.index(fen) if fen else 0
    return Decimal(fen_total) / 100


amounts = st.integers(min_value=0, max_value=10**16 - 1).map(lambda fen: (Decimal(fen) / 100).quantize(CENT))


@given(amounts)
def test_capitals_read_back_to_the_amount(amount):
    assert read_capitals(capital(amount)) == amount


@given(amounts)
def test_capitals_follow_the_writing_rules(amount):
    words = capital(amount)
    assert "零零" not in words
    # 整 closes an amount ending at 元 or 角, never one with 分.
    assert words.endswith("整") == (amount % Decimal("0.10") == 0)
    assert not words.startswith("零") or amount == 0
    # A leading 拾 is written 壹拾.
    assert not words.startswith("拾")
