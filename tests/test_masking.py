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
])
def test_phone_like_runs_are_masked_and_nothing_else(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_a_short_number_keeps_only_its_last_two_digits() -> None:
    assert mask_phone("1234567") == "****67"
