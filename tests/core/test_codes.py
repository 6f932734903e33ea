"""The national code rules (DOMAIN.md): valid and invalid cases, and properties over many codes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartunion.core.codes import (
    CREDIT_CODE_CHARS,
    credit_code_check_char,
    credit_code_error,
    division_code_error,
    id_number_check_char,
    id_number_error,
    is_mobile,
    mask_id_number,
    mask_mobile,
    validate_credit_code,
    validate_mobile,
)
from smartunion.core.errors import ValidationFailed

# Published codes: 国家电网 (State Grid), and a sample from GB 32100 guidance.


def test_credit_code_check_character_of_published_example():
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert credit_code_error("91350100M000100Y43") is None


def test_credit_code_errors_name_the_problem():
    assert "18" in credit_code_error("9135010")
    assert "I" in credit_code_error("91350100M000100YI3")
    assert credit_code_error("91350100M000100Y44") is not None  # wrong check character
    with pytest.raises(ValidationFailed) as exc:
        validate_credit_code("91350100M000100Y44", field="credit_code")
    assert list(exc.value.fields) == ["credit_code"]


@given(
    st.text(alphabet=CREDIT_CODE_CHARS, min_size=9, max_size=9),
    st.sampled_from(["110105", "110111", "310101", "440300"]),
)
def test_every_generated_credit_code_validates_and_any_single_change_is_caught(tail, region):
    first17 = "91" + region + tail
    code = first17 + credit_code_check_char(first17)
    assert credit_code_error(code) is None
    assert validate_credit_code(code.lower()) == code  # typed in lower case: normalised
    # Changing the check character is always detected.
    for other in CREDIT_CODE_CHARS:
        if other != code[-1]:
            assert credit_code_error(code[:-1] + other) is not None


def test_id_number_rules():
    first17 = "11010519491231002"
    good = first17 + id_number_check_char(first17)
    assert good == "11010519491231002X"
    assert id_number_error(good) is None
    assert id_number_error("11010519491231002") is not None  # 17 characters
    assert id_number_error("110105194912310021") is not None  # wrong check digit
    bad_date = "11010519490230002"
    assert "不存在" in id_number_error(bad_date + id_number_check_char(bad_date))
    future = "11010530000101002"
    assert "不合理" in id_number_error(future + id_number_check_char(future))


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_id_number_check_character_is_the_weighted_sum_of_gb_11643(first17):
    from smartunion.core.codes import _ID_CHECK, _ID_WEIGHTS

    weighted = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    assert id_number_check_char(first17) == _ID_CHECK[weighted % 11]


@pytest.mark.parametrize(
    "first17",
    [
        "1101051949123100",
        "1101051949123100X",
        "+1101051949123100",
        "1_101051949123100",
        "11010519491231\u0663\u0660\u0662",
    ],
)
def test_the_check_character_needs_17_ascii_digits(first17):
    with pytest.raises(ValueError):
        id_number_check_char(first17)


@given(
    st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_every_generated_id_number_validates(birth, serial):
    first17 = f"110105{birth:%Y%m%d}{serial:03d}"
    number = first17 + id_number_check_char(first17)
    assert id_number_error(number) is None
    assert mask_id_number(number) == f"110105********{number[-4:]}"


@pytest.mark.parametrize("value", ["13812345678", "19912345678", "+86 138-1234-5678"])
def test_valid_mobiles(value):
    assert is_mobile(value)
    assert validate_mobile(value).isdigit()


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "23812345678", "abc", ""])
def test_invalid_mobiles_get_a_message_on_the_field(value):
    with pytest.raises(ValidationFailed) as exc:
        validate_mobile(value)
    assert "11" in exc.value.fields["mobile"][0]


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobile_property(mobile):
    assert is_mobile(mobile)
    assert mask_mobile(mobile) == mobile[:3] + "****" + mobile[-4:]


@pytest.mark.parametrize("code", ["110105", "110111004", "110111004001"])
def test_valid_division_codes(code):
    assert division_code_error(code) is None


@pytest.mark.parametrize("code", ["11010", "1101050", "99010512", "990105", "11a105", ""])
def test_invalid_division_codes(code):
    assert division_code_error(code) is not None


def test_full_width_digits_from_a_chinese_input_method_are_normalised():
    assert validate_mobile("１３８１２３４５６７８") == "13812345678"
    assert division_code_error("11０１０１") is not None  # the raw check refuses non-ASCII digits
    from smartunion.core.codes import validate_division_code

    assert validate_division_code("11０１０１") == "110101"


@pytest.mark.parametrize("value", ["١٣٨١٢٣٤٥٦٧٨", "13८12345678"])
def test_other_scripts_digits_are_not_mobiles(value):
    assert not is_mobile(value)
