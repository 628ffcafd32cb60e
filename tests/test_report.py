"""The report: what report.json holds, and what makes a run pass or fail."""

from __future__ import annotations

from pathlib import Path

from crmkit import validate
from crmkit.report import Issue, Report

from conftest import HEADER, write_xlsx


def report_of(tmp_path: Path, rows: list[list[object]], **options: object) -> Report:
    return validate(write_xlsx(tmp_path / "in.xlsx", [HEADER, *rows]), write=False,
                    **options)  # type: ignore[arg-type]


def test_report_dict_has_every_section_the_issue_names(tmp_path: Path) -> None:
    data = report_of(tmp_path, [["张三", "12345", "VIP"]]).to_dict()
    assert {"schema_version", "input", "template", "rows", "limit", "header_map", "issues",
            "outputs", "batches", "references"} <= set(data)
    assert set(data["input"]) >= {"path", "sha256", "sheet", "header_row"}
    assert set(data["rows"]) == {"read", "blank", "valid", "rejected", "duplicates", "overflow",
                                 "existing"}
    assert set(data["limit"]) >= {"tier", "max", "existing", "remaining", "exceeded"}
    (issue,) = data["issues"]
    assert {"row", "column", "field", "code", "severity", "message", "value"} <= set(issue)
    assert (issue["row"], issue["column"], issue["field"], issue["severity"]) == (
        2, "B", "mobile", "error"
    )


def test_messages_come_in_both_languages(tmp_path: Path) -> None:
    report = report_of(tmp_path, [["张三", "010-12345678", "VIP"]])
    assert "不是手机号码" in report.to_dict()["issues"][0]["message"]
    assert "not a mobile number" in report.to_dict("en")["issues"][0]["message"]


def test_warnings_fail_a_run_only_under_strict(tmp_path: Path) -> None:
    rows = [["张三", "13800138000", "VIP"]]
    header = [*HEADER, "来源"]
    path = write_xlsx(tmp_path / "in.xlsx", [header, *rows])
    relaxed, strict = validate(path, write=False), validate(path, write=False, strict=True)
    assert [i.code for i in relaxed.issues] == ["header.unmapped"]
    assert (relaxed.ok, relaxed.exit_code) == (True, 0)
    assert (strict.ok, strict.exit_code) == (False, 1)


def test_counts_by_code_put_the_commonest_first(tmp_path: Path) -> None:
    report = report_of(tmp_path, [["", "12345", "VIP"], ["", "13800138000", "VIP"]])
    assert list(report.counts_by_code().items()) == [("required.missing", 2),
                                                     ("phone.invalid", 1)]


def test_an_issue_message_names_its_cell() -> None:
    issue = Issue(code="header.blank", column="F")
    assert issue.message().startswith("F 列没有列名")
