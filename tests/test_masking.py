"""Phone numbers are masked in what crmkit prints, never in the files it writes."""

from __future__ import annotations

import pytest

from crmkit.masking import mask_phone, mask_text


@pytest.mark.parametrize(("text", "masked"), [
    ("13800138000", "138****8000"),
    ("「手机号码」+8613800138000 与第 2 行相同", "「手机号码」+861****8000 与第 2 行相同"),
    ("138 0013 8000 和 139-0013-9000", "138****8000 和 139****9000"),
    ("2024-01-05 第 12 行", "2024-01-05 第 12 行"),     # dates and row numbers stay
    ("共 123456 行", "共 123456 行"),                   # six digits are not a number
    ("(021)62345678", "021****5678"),                   # an area code in brackets
    ("138.0013.8000 或 138_0013_8000", "138****8000 或 138****8000"),
])
def test_phone_like_runs_are_masked_and_nothing_else(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_a_short_number_keeps_only_its_last_two_digits() -> None:
    assert mask_phone("1234567") == "****67"


@pytest.mark.parametrize("typed", ["13800l38000", "1390O139000", "138-00-138-000"])
def test_a_bad_phone_cell_is_hidden_whole_in_every_text_of_its_issue(typed: str) -> None:
    from crmkit.masking import mask_issue_texts

    message = f"「手机号码」{typed} 不是有效的电话号码，请核对后改正。"
    masked_message, value = mask_issue_texts("phone.invalid", typed, [message, typed])
    assert value is not None and masked_message is not None
    assert value.startswith(typed[:3]) and value.endswith(typed[-4:]) and "****" in value
    assert typed not in masked_message and value in masked_message


def test_values_that_are_not_phone_numbers_are_left_alone() -> None:
    from crmkit.masking import mask_issue_texts

    assert mask_issue_texts("email.invalid", "bad@", ["「邮箱」bad@ 不是有效的邮箱地址"]) == [
        "「邮箱」bad@ 不是有效的邮箱地址"]
