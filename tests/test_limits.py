"""Tier limits: existing contacts plus new ones must fit; rows beyond go to overflow."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkit import validate
from crmkit.errors import CrmkitError
from crmkit.limits import apply_limit, choose_limit
from crmkit.template import load_template

from conftest import HEADER, write_xlsx

TPL = load_template()


@pytest.mark.parametrize(
    ("tier", "limit", "expected"),
    [(None, None, ("team", 2000)), ("primary", None, ("primary", 2000)),
     ("intermediate", None, ("intermediate", 10000)), ("advanced", None, ("advanced", 20000)),
     (None, 150, (None, 150))],
)
def test_choose_limit(tier: str | None, limit: int | None, expected: tuple[object, int]) -> None:
    chosen = choose_limit(TPL, tier=tier, limit=limit)
    assert (chosen.tier, chosen.max) == expected


@pytest.mark.parametrize(
    ("tier", "limit", "fragment"),
    [("gold", None, "unknown tier 'gold'"), ("team", 5, "not both"), (None, 0, "positive")],
)
def test_bad_limit_options(tier: str | None, limit: int | None, fragment: str) -> None:
    with pytest.raises(CrmkitError) as err:
        choose_limit(TPL, tier=tier, limit=limit)
    assert err.value.code == "options.invalid" and fragment in err.value.message("en")


def test_existing_contacts_use_up_the_limit() -> None:
    info = apply_limit(choose_limit(TPL, tier="team", limit=None, existing=1990), valid=15)
    assert (info.remaining, info.exceeded) == (10, True)
    assert apply_limit(choose_limit(TPL, tier="team", limit=None, existing=2500),
                       valid=1).remaining == 0
    with pytest.raises(CrmkitError):
        choose_limit(TPL, tier=None, limit=None, existing=-1)


def test_option_errors_read_in_chinese_for_the_admin() -> None:
    with pytest.raises(CrmkitError) as err:
        choose_limit(TPL, tier="team", limit=5)
    assert err.value.message("zh") == "参数有误：--tier 和 --limit 只能给一个"


def test_rows_beyond_the_limit_overflow_in_input_order(tmp_path: Path) -> None:
    rows = [HEADER, *([f"客户{i}", f"1380013{i:04d}", "VIP"] for i in range(8))]
    rows.insert(3, ["坏号码", "123", "VIP"])  # a rejected row does not use up the limit
    path = write_xlsx(tmp_path / "in.xlsx", rows)
    report = validate(path, limit=10, existing_count=5)
    assert (report.rows.valid, report.rows.overflow, report.rows.rejected) == (5, 3, 1)
    assert report.limit.exceeded and report.exit_code == 1
    assert report.tables is not None
    assert report.tables.upload["姓名"].to_list() == [f"客户{i}" for i in range(5)]
    assert report.tables.overflow["姓名"].to_list() == [f"客户{i}" for i in range(5, 8)]
    (issue,) = [i for i in report.issues if i.code == "limit.exceeded"]
    assert "只能再导入 5 个" in issue.message() and "其余 3 行" in issue.message()
    assert Path(report.outputs["overflow"]).exists()


def test_a_run_that_fits_removes_the_overflow_file_of_an_earlier_run(tmp_path: Path) -> None:
    rows = [HEADER, *([f"客户{i}", f"1380013{i:04d}", "VIP"] for i in range(3))]
    path = write_xlsx(tmp_path / "in.xlsx", rows)
    first = validate(path, limit=2)
    overflow = Path(first.outputs["overflow"])
    assert overflow.exists()
    second = validate(path, limit=3)
    assert "overflow" not in second.outputs and not overflow.exists()
