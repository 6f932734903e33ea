"""The national codes of organisations (DOMAIN.md): valid and invalid cases, and properties over many codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartunion.core.codes import (
    CREDIT_CODE_CHARS,
    credit_code_check_char,
    credit_code_error,
    division_code_error,
    validate_credit_code,
)
from smartunion.core.errors import ValidationFailed
from smartunion.core.personal import validate_mobile

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
