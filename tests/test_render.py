"""The terminal summary: the user's own text printed as is, and a verdict that fits the run."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from crmkit import validate
from crmkit.render import render_report

from conftest import HEADER, write_xlsx


def rendered(path: Path, **options: object) -> str:
    console = Console(record=True, width=160, color_system=None)
    render_report(validate(path, write=False, **options), console)  # type: ignore[arg-type]
    return console.export_text()


def test_headers_print_as_written_never_as_markup(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        [*HEADER, "来源[/]", "notes :smile: [b]x"], ["张三", "13800138000", "VIP"],
    ])
    text = rendered(path)
    assert "来源[/]" in text and "notes :smile: [b]x" in text


def test_summary_shows_the_header_map_counts_problems_and_limit(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["*客户名称", "手机", "标签"], ["张三", "12345", "VIP"], ["李四", "13800138000", "VIP"],
    ])
    text = rendered(path, limit=1, existing_count=0)
    assert "*客户名称" in text and "姓名" in text
    assert "读取 2 · 有效 1 · 拒绝 1" in text
    assert "phone.invalid" in text and "手机号码无效" in text
    assert "联系人上限（自定义）: 已有 0 + 本次有效 1 = 1 / 1" in text
    assert "1 行需要修正" in text


def test_a_list_without_rows_does_not_claim_success(tmp_path: Path) -> None:
    text = rendered(write_xlsx(tmp_path / "in.xlsx", [HEADER]))
    assert "没有可导入的行" in text and "全部通过" not in text
