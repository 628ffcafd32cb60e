"""What fails a run: errors by default, warnings under --strict, exactly --fail-on's codes;
--ignore takes codes out. Rows are held back either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkit import validate
from crmkit.catalogue import Severity
from crmkit.errors import CrmkitError
from crmkit.gate import Gate, parse_codes

from conftest import HEADER, write_xlsx


@pytest.fixture
def dups(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "dups.xlsx", [
        HEADER,
        ["张三", "13800138000", "VIP", "", "", ""],
        ["张三", "13800138000", "VIP", "", "", ""],     # row 3: a copy
        ["李四", "13900139000", "", "", "", ""],        # row 4: no tag (required)
    ])


def test_by_default_errors_fail_and_warnings_do_not() -> None:
    gate = Gate()
    assert gate.fails("phone.invalid", Severity.ERROR)
    assert not gate.fails("header.unmapped", Severity.WARNING)
    assert Gate(strict=True).fails("header.unmapped", Severity.WARNING)
    assert not Gate(strict=True).fails("row.example", Severity.NOTICE)


def test_fail_on_names_exactly_what_fails_whatever_the_severity() -> None:
    gate = Gate(fail_on=("duplicate.*", "header.unmapped"))
    assert gate.fails("duplicate.in_file", Severity.ERROR)
    assert gate.fails("header.unmapped", Severity.WARNING)
    assert not gate.fails("phone.invalid", Severity.ERROR)


def test_ignore_wins_over_everything() -> None:
    assert not Gate(strict=True, ignore=("duplicate.*",)).fails("duplicate.in_file",
                                                                 Severity.ERROR)
    assert not Gate(fail_on=("phone.*",), ignore=("phone.invalid",)).fails(
        "phone.invalid", Severity.ERROR)


def test_ignored_duplicates_pass_the_run_but_stay_out_of_the_upload(
    dups: Path, tmp_path: Path
) -> None:
    strict = validate(dups, out=tmp_path / "a")
    assert strict.exit_code == 1
    lenient = validate(dups, out=tmp_path / "b", ignore=["duplicate.in_file,required.missing"])
    assert lenient.exit_code == 0 and lenient.ok
    assert lenient.rows.valid == strict.rows.valid == 1  # still held back
    assert lenient.to_dict()["gate"]["ignore"] == ["duplicate.in_file", "required.missing"]


def test_fail_on_a_code_that_is_absent_passes_a_run_with_other_errors(
    dups: Path, tmp_path: Path
) -> None:
    report = validate(dups, out=tmp_path / "o", fail_on=["phone.*"])
    assert report.exit_code == 0
    report = validate(dups, out=tmp_path / "p", fail_on=["duplicate.in_file"])
    assert report.exit_code == 1
    assert [i.code for i in report.failing] == ["duplicate.in_file"]


@pytest.mark.parametrize(("value", "hint"), [
    ("phone.invalide", "phone.invalid"),     # a typo gets the closest code
    ("nothing.*", "crmkit codes"),           # a pattern that matches nothing
])
def test_a_code_that_names_nothing_is_a_bad_option(value: str, hint: str) -> None:
    with pytest.raises(CrmkitError) as caught:
        parse_codes([value], "--ignore")
    assert caught.value.code == "options.invalid" and hint in caught.value.message()


def test_codes_may_be_repeated_or_comma_separated() -> None:
    assert parse_codes(["phone.invalid", "email.invalid, tag.*"],
                       "--fail-on") == ("phone.invalid", "email.invalid", "tag.*")
