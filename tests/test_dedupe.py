"""Duplicates in the file: the first occurrence is kept, later ones name it."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit import validate

from conftest import HEADER, write_xlsx


def test_later_copies_in_other_formats_are_rejected_and_name_the_first_row(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER,
        ["张三", 13800138000, "VIP"],          # row 2, kept
        ["李四", "13900139000", "VIP"],
        ["张三", "+86 138-0013-8000", "VIP"],  # row 4, duplicate of 2
        ["张三丰", "8613800138000", "VIP"],    # row 5, duplicate of 2
    ])
    report = validate(path, write=False)
    dups = [i for i in report.issues if i.code == "duplicate.in_file"]
    assert [(i.row, i.params["first_row"], i.value) for i in dups] == [
        (4, 2, "+86 138-0013-8000"), (5, 2, "8613800138000"),
    ]
    assert "与第 2 行的号码相同" in dups[0].message()
    assert (report.rows.valid, report.rows.rejected, report.rows.duplicates) == (2, 2, 2)


def test_first_occurrence_is_kept_even_when_it_is_rejected_for_something_else(
    tmp_path: Path,
) -> None:
    # Row 2 lacks its tag; once fixed it is the one re-imported, so row 3 stays a duplicate.
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER, ["张三", "13800138000", ""], ["张三", "13800138000", "VIP"],
    ])
    report = validate(path, write=False)
    assert [(i.code, i.row) for i in report.issues] == [
        ("required.missing", 2), ("duplicate.in_file", 3),
    ]


phones = st.sampled_from(["13800138000", "13900139000", "13700137000", "15800158000"])


@settings(max_examples=25, deadline=None)
@given(numbers=st.lists(phones, min_size=1, max_size=12), data=st.data())
def test_dedupe_does_not_depend_on_order_beyond_which_copy_is_first(
    tmp_path_factory: object, numbers: list[str], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(numbers))
    folder = tmp_path_factory.mktemp("dedupe")  # type: ignore[attr-defined]
    results = []
    for name, order in (("a", numbers), ("b", shuffled)):
        rows = [HEADER, *([f"客户{i}", n, "VIP"] for i, n in enumerate(order))]
        report = validate(write_xlsx(folder / f"{name}.xlsx", rows), write=False)
        assert report.tables is not None
        kept = report.tables.upload.get_column("手机号码").to_list()
        assert kept == list(dict.fromkeys(order))  # first of each, in input order
        results.append((report.rows.duplicates, sorted(kept)))
    assert results[0] == results[1]
