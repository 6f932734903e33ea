"""A person's particulars (core.personal): ID numbers (GB 11643) and mobiles, valid and invalid
cases and properties over many numbers; the blind indexes they are found by, pinned."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartunion.accounts.models import User
from smartunion.core import crypto
from smartunion.core.errors import ValidationFailed
from smartunion.core.personal import (
    FEMALE,
    MALE,
    birth_and_sex,
    id_number_birth_date,
    id_number_check_char,
    id_number_clean,
    id_number_error,
    id_number_index,
    id_number_sex,
    is_mobile,
    mask_id_number,
    mask_mobile,
    mobile_clean,
    mobile_error,
    mobile_index,
    normalise_id_number,
    normalise_mobile,
    validate_mobile,
)
from smartunion.members.models import Sex


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
    from smartunion.core.personal import _ID_CHECK, _ID_WEIGHTS

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


@pytest.mark.parametrize("value", ["١٣٨١٢٣٤٥٦٧٨", "13८12345678"])
def test_other_scripts_digits_are_not_mobiles(value):
    assert not is_mobile(value)


# --- the fast paths take the common case exactly as the full rule does --------------------------------

NUMBER_PARTS = st.sampled_from(
    [
        "0",
        "1",
        "3",
        "8",
        "9",
        "X",
        "x",
        "ｘ",
        "１",
        "٣",
        " ",
        "\u3000",
        "\u200b",
        "\ufeff",
        "'",
        "-",
        "+86",
        "0086",
        ".",
    ]
)
NUMBERS = st.one_of(
    st.text(max_size=20),
    st.text(alphabet="0123456789Xx", min_size=11, max_size=18),
    st.lists(NUMBER_PARTS, max_size=20).map("".join),
)


@given(NUMBERS)
def test_id_number_clean_is_normalise_then_error(value):
    normalised = normalise_id_number(value)
    assert id_number_clean(value) == (normalised, id_number_error(normalised))


@given(NUMBERS)
def test_mobile_clean_is_normalise_then_error(value):
    normalised = normalise_mobile(value)
    assert mobile_clean(value) == (normalised, mobile_error(normalised))


# --- the birth date and sex an ID number holds ---------------------------------------------------------


@given(
    st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_the_birth_date_and_sex_are_read_from_the_id_number(birth, serial):
    first17 = f"110105{birth:%Y%m%d}{serial:03d}"
    number = first17 + id_number_check_char(first17)
    sex = MALE if serial % 2 else FEMALE  # GB 11643: the 17th digit is odd for men
    assert birth_and_sex(number) == (birth, sex)
    assert id_number_birth_date(number) == birth
    assert id_number_sex(number) == id_number_sex(first17) == sex
    assert (Sex.MALE, Sex.FEMALE) == (MALE, FEMALE)


# --- the blind indexes: the stored values never change ---------------------------------------------------
# Computed with the code before the purposes became core.crypto.IndexPurpose (issue 8); a change here
# would make every stored ID number and mobile unfindable.

PINNED_INDEXES = {
    "hmac-sha256": (
        "7eb35feeba7338a21cb2416c3fa1d829c91f44a3808bfbce2fa1b16161ef80ed",
        "1ca503ade53925f93551073c6e38c81736faaac22bdbb1273cc649b230221faf",
    ),
    "hmac-sm3": (
        "500042b82236fa674c22715c1bf56a5e5bae17ba59681296247b86c44abc5a0c",
        "0ba5ff52b6486c1b18a06a9aef9451279d83920167ac065f57f89555e2dff36a",
    ),
}


@pytest.mark.parametrize("algorithm", sorted(PINNED_INDEXES))
def test_the_blind_indexes_of_a_person_are_the_ones_stored(settings, algorithm):
    settings.BLIND_INDEX_KEY = "pinned-test-key"
    settings.BLIND_INDEX_ALGORITHM = algorithm
    id_index, mobile_index_ = PINNED_INDEXES[algorithm]
    assert id_number_index("11010519491231002X") == id_index
    assert mobile_index("13912345678") == mobile_index_
    assert crypto.blind_index_many(["11010519491231002X"], purpose=crypto.IndexPurpose.ID_NUMBER) == [
        id_index
    ]
    assert crypto.blind_index_many(["13912345678"], purpose=crypto.IndexPurpose.MOBILE) == [mobile_index_]
    user = User(username="w")
    user.set_mobile("13912345678")  # a worker's sign-in mobile: the same index as a person's contact mobile
    assert user.mobile_index == mobile_index_
