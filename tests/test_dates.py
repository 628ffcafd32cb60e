"""Dates: year-first forms always, day-first or month-first only when the template says so,
and the template's output form."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from crmkit.dates import normalise_dates
from crmkit.template import Field, Output, load_template

TPL = load_template()


def dates(cells: list[str | None], order: str = "ymd", form: str = "yyyy-mm-dd") -> list[
        tuple[str | None, str | None]]:
    field = Field(key="day", header="下次联系时间", type="date", date_order=order)
    tpl = dataclasses.replace(TPL, output=Output(date=form))
    result = normalise_dates(pl.Series(cells, dtype=pl.String), field, tpl)
    return list(zip(result["value"].to_list(), result["code"].to_list(), strict=True))


def test_a_date_not_starting_with_the_year_is_ambiguous_by_default() -> None:
    assert dates(["01/02/2024", "05.01.2024", "13/01/2024"]) == [(None, "date.ambiguous")] * 3


@pytest.mark.parametrize(("order", "expected"), [("dmy", "2024-02-01"), ("mdy", "2024-01-02")])
def test_the_template_names_the_order_of_day_and_month(order: str, expected: str) -> None:
    assert dates(["01/02/2024", "1-2-2024 09:30"], order) == [(expected, None)] * 2


def test_an_impossible_day_month_date_is_invalid_even_with_an_order() -> None:
    assert dates(["31/31/2024"], "dmy") == [(None, "date.invalid")]


def test_year_first_dates_are_read_whatever_the_order() -> None:
    assert dates(["2024/1/5", "2024年1月5日", "45296"], "mdy") == [("2024-01-05", None)] * 3


@pytest.mark.parametrize(("form", "expected"), [
    ("yyyy/mm/dd", "2024/01/05"), ("yyyy/m/d", "2024/1/5"), ("yyyy年m月d日", "2024年1月5日"),
    ("yyyymmdd", "20240105"),
])
def test_dates_are_written_in_the_output_form(form: str, expected: str) -> None:
    assert dates(["2024-01-05", None], form=form) == [(expected, None), (None, None)]


def test_a_bare_serial_number_is_read_in_the_workbooks_date_system() -> None:
    # 45296 is 2024-01-05 in Excel's usual 1900 system; a workbook saved in the 1904 system
    # (old Mac Excel) counts from 1904-01-01, four years and a day later.
    field = Field(key="day", header="下次联系时间", type="date")
    cells = pl.Series(["45296", "45296.75"], dtype=pl.String)
    usual = normalise_dates(cells, field, TPL)["value"].to_list()
    mac = normalise_dates(cells, field, TPL, date1904=True)["value"].to_list()
    assert usual == ["2024-01-05", "2024-01-05"]
    assert mac == ["2028-01-06", "2028-01-06"]
