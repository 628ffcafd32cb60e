"""report.json and `--format json` validate against the JSON Schema shipped in the package."""

from __future__ import annotations

import copy
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import typer
from jsonschema import Draft202012Validator
from rich.console import Console
from typer.testing import CliRunner

from crmkit import report, validate
from crmkit.catalogue import CATALOGUE
from crmkit.cli import app, main
from crmkit.cli_common import OutputFormat, fail
from crmkit.errors import CrmkitError
from crmkit.report_schema import SCHEMA_FILE, load_schema

from conftest import CORPUS, HEADER, ROOT, write_csv, write_xlsx

EXAMPLES = ROOT / "examples"
SCHEMA = load_schema()
VALIDATOR = Draft202012Validator(SCHEMA)
runner = CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})


def problems(data: Any) -> list[str]:
    """Each way `data` breaks the schema, with where: empty when it is valid."""
    # Against the shape it claims to be, so that every reason is named, not oneOf's summary
    shape = "report"
    if isinstance(data, dict) and "reports" in data:
        shape = "run"
    elif isinstance(data, dict) and data.get("exit_code") == 2:
        shape = "refusal"
    claimed = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{shape}"})
    found = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
             for e in claimed.iter_errors(data)]
    if not found and not VALIDATOR.is_valid(data):
        found.append("fits more than one shape")
    return sorted(found)


def assert_valid(data: Any) -> None:
    assert problems(data) == []


# --- the schema itself -------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_version_is_the_one_reports_carry() -> None:
    assert SCHEMA["$defs"]["schema_version"]["const"] == report.SCHEMA_VERSION


def test_docs_copy_is_identical_to_the_packaged_schema() -> None:
    shipped = (resources.files("crmkit") / SCHEMA_FILE).read_bytes()
    assert (ROOT / "docs" / SCHEMA_FILE).read_bytes() == shipped


def test_schema_loads_from_the_installed_package() -> None:
    shipped = resources.files("crmkit") / "report.schema.json"
    assert shipped.is_file()
    assert json.loads(shipped.read_text(encoding="utf-8")) == load_schema()


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}/{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{where}/{i}")


def test_every_property_is_described() -> None:
    def described(sub: dict[str, Any]) -> bool:
        if "$ref" in sub and "description" not in sub:
            sub = SCHEMA["$defs"][sub["$ref"].removeprefix("#/$defs/")]
        return bool(sub.get("description"))

    # if/then/else only narrow properties described where they are declared
    declared = [(w, s) for w, s in _properties(SCHEMA)
                if not {"if", "then", "else"} & set(w.split("/"))]
    assert declared and [w for w, s in declared if not described(s)] == []


def test_every_catalogue_code_fits_the_code_pattern() -> None:
    code = Draft202012Validator({**SCHEMA["$defs"]["code"]})
    assert [c for c in CATALOGUE if not code.is_valid(c)] == []


# --- real reports from the library --------------------------------------------------------


def _csv_list(tmp: Path) -> Path:
    return write_csv(tmp / "list.csv", [
        [*HEADER, "客户来源"], ["张三", "13800138000", "VIP", "", "", "", "展会"],
        ["李四", "139 0013 9000", "VIP", "", "bad@", "", ""],
    ], encoding="gbk")


def _three_rows(tmp: Path) -> Path:
    return write_xlsx(tmp / "three.xlsx",
                      [HEADER, *([f"客户{i}", f"1380013{i:04d}", "VIP"] for i in range(3))])


def _english_headers(tmp: Path) -> Path:
    return write_xlsx(tmp / "english.xlsx", [
        ["Customer", "电话", "Labels", "Memo", "公司名", "客户来源"],
        ["张三", "13800138000", "VIP", "x", "甲公司", "展会"],
    ])


CASES: dict[str, tuple[Callable[[Path], Path], dict[str, Any]]] = {
    "customers": (lambda _: EXAMPLES / "customers.xlsx", {}),
    "customers-en": (lambda _: EXAMPLES / "customers.xlsx", {"lang": "en"}),
    "customers-masked": (lambda _: EXAMPLES / "customers.xlsx", {"mask": True}),
    "wps-existing-staff": (lambda _: EXAMPLES / "wps-list.xlsx", {
        "existing": EXAMPLES / "existing-contacts.xlsx", "staff": EXAMPLES / "staff.csv"}),
    "wps-batches": (lambda _: EXAMPLES / "wps-list.xlsx", {"batch_size": 3}),
    "customers-strict": (lambda _: EXAMPLES / "customers.xlsx", {"strict": True}),
    "customers-gate": (lambda _: EXAMPLES / "customers.xlsx", {
        "fail_on": ["duplicate.*"], "ignore": ["duplicate.suspected"]}),
    "csv": (_csv_list, {}),
    "overflow": (_three_rows, {"limit": 2}),
    "all-valid": (_three_rows, {}),
    "mapped-and-fuzzy": (_english_headers, {"mapping": {"Customer": "姓名", "C": "tags",
                                                        "Memo": ""}}),
}


def _report(name: str, tmp: Path) -> tuple[report.Report, dict[str, Any]]:
    make, kwargs = CASES[name]
    kwargs = dict(kwargs)
    to_dict = {k: kwargs.pop(k) for k in ("lang", "mask") if k in kwargs}
    tmp.mkdir(parents=True, exist_ok=True)
    result = validate(make(tmp), out=tmp / "out", **kwargs)
    return result, result.to_dict(**to_dict)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each case's report as `to_dict` gives it and as report.json holds it."""
    tmp = tmp_path_factory.mktemp("reports")
    made = {}
    for name in CASES:
        result, data = _report(name, tmp / name)
        written = json.loads(Path(result.outputs["report"]).read_text(encoding="utf-8"))
        made[name] = (data, written)
    return made


@pytest.mark.parametrize("name", list(CASES))
def test_library_report_and_report_json_fit_the_schema(
    name: str, reports: dict[str, Any]
) -> None:
    data, written = reports[name]
    assert_valid(data)
    assert_valid(written)


def test_the_cases_cover_each_shape_the_schema_allows(reports: dict[str, Any]) -> None:
    """The reports above reach the schema's variants: a report that fits only some of them
    would leave the rest unchecked."""
    seen: dict[str, set[Any]] = {"match": set(), "severity": set(), "format": set(),
                                 "outputs": set(), "references": set(), "exit_code": set()}
    for data, _ in reports.values():
        seen["match"] |= {c["match"] for c in data["header_map"]}
        seen["severity"] |= {i["severity"] for i in data["issues"]}
        seen["format"].add(data["input"]["format"])
        seen["outputs"] |= set(data["outputs"])
        seen["references"] |= set(data["references"])
        seen["exit_code"].add(data["exit_code"])
    assert seen["match"] >= {"exact", "alias", "fuzzy", "forced", "ignored", ""}
    assert seen["severity"] == {"error", "warning", "notice"}
    assert seen["format"] == {"xlsx", "csv"}
    assert seen["outputs"] == {"upload", "overflow", "errors", "report"}
    assert seen["references"] == {"existing", "staff"}
    assert seen["exit_code"] == {0, 1}


def test_a_rerun_of_the_fix_sheet_fits_the_schema(tmp_path: Path) -> None:
    first = validate(EXAMPLES / "customers.xlsx", out=tmp_path / "first")
    again = validate(first.outputs["errors"], sheet="待修正", out=tmp_path / "again").to_dict()
    assert "own" in {c["match"] for c in again["header_map"]}
    assert_valid(again)


def test_a_report_not_written_fits_the_schema() -> None:
    data = validate(EXAMPLES / "customers.xlsx", write=False).to_dict()
    assert (data["outputs"], data["batches"]) == ({}, [])
    assert_valid(data)


# --- the command line ---------------------------------------------------------------------


def cli_json(*args: str) -> tuple[int, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("make", [lambda t: EXAMPLES / "customers.xlsx", _three_rows, _csv_list])
def test_cli_json_of_a_checked_file_fits_the_schema(
    make: Callable[[Path], Path], tmp_path: Path
) -> None:
    code, data = cli_json("validate", str(make(tmp_path)), "--out", str(tmp_path / "out"))
    assert code == data["exit_code"]
    assert_valid(data)


@pytest.mark.parametrize(
    ("args", "code_name"),
    [
        (["missing.xlsx"], "file.not_found"),
        (["{ok}", "--tier", "gold"], "options.invalid"),
        (["{ok}", "--batch-size", "0"], "options.invalid"),
        (["{ok}", "--template", "nope"], "template.not_found"),
        (["{ok}", "--map", "手机号码=座机"], "options.invalid"),
    ],
)
def test_cli_json_of_a_refusal_fits_the_schema(
    args: list[str], code_name: str, tmp_path: Path
) -> None:
    ok = _three_rows(tmp_path)
    args = [str(tmp_path / a) if a == "missing.xlsx" else a.replace("{ok}", str(ok))
            for a in args]
    code, data = cli_json("validate", *args)
    assert (code, data["exit_code"], data["error"]["code"]) == (2, 2, code_name)
    assert_valid(data)


def test_cli_json_of_a_usage_error_fits_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value the option parser refuses is turned into the same refusal by `main`."""
    monkeypatch.setattr(sys, "argv", ["crmkit", "validate", str(_three_rows(tmp_path)),
                                      "--batch-size", "many", "--format", "json"])
    with pytest.raises(SystemExit) as done:
        main()
    data = json.loads(capsys.readouterr().out)
    assert done.value.code == 2 and data["error"]["code"] == "options.invalid"
    assert_valid(data)


def test_cli_json_of_several_inputs_fits_the_schema(tmp_path: Path) -> None:
    """Several inputs: one report or refusal per file, and the run's verdict."""
    folder = tmp_path / "lists"
    folder.mkdir()
    _three_rows(folder)
    _csv_list(folder)
    code, data = cli_json("validate", str(folder / "three.xlsx"), str(folder / "list.csv"),
                          str(tmp_path / "missing.xlsx"), "--no-write")
    assert (code, data["exit_code"], len(data["reports"])) == (2, 2, 3)
    assert data["reports"][2]["error"]["code"] == "file.not_found"
    assert_valid(data)
    code, data = cli_json("validate", str(folder), "--out", str(tmp_path / "out"))
    assert code == data["exit_code"] == 1 and len(data["reports"]) == 2
    assert_valid(data)


# --- what the schema refuses: a shape changed without the schema -----------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    *parents, last = path.split("/")

    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.pop(key)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_set("new_key", 1), id="unknown top-level key"),
        pytest.param(_set("summary/muted", 1), id="unknown summary key"),
        pytest.param(_set("issues/0/tab", "Sheet1"), id="unknown issue key"),
        pytest.param(_drop("gate"), id="missing key"),
        pytest.param(_set("schema_version", "0.9"), id="other schema version"),
        pytest.param(_set("issues/0/severity", "fatal-ish"), id="unknown severity"),
        pytest.param(_set("issues/0/code", "Phone Invalid"), id="code not dotted lower case"),
        pytest.param(_set("input/sha256", "ABC"), id="not a sha256"),
        pytest.param(_set("header_map/0/match", "guess"), id="unknown match"),
        pytest.param(_set("rows/read", -1), id="negative count"),
        pytest.param(_set("exit_code", 2), id="exit 2 in a checked report"),
        pytest.param(_set("ok", True), id="ok with exit code 1"),
        pytest.param(_set("outputs/log", "x.log"), id="unknown output"),
        pytest.param(_set("input/encoding", "utf-8"), id="encoding of a workbook"),
    ],
)
def test_schema_refuses_a_report_changed_without_it(
    change: Callable[[dict[str, Any]], None], reports: dict[str, Any]
) -> None:
    data = reports["customers"][0]
    assert_valid(data)
    changed = copy.deepcopy(data)
    change(changed)
    assert problems(changed)


@pytest.mark.parametrize(
    "refusal",
    [
        {"ok": False, "exit_code": 1, "error": {"code": "file.not_found", "message": "x"}},
        {"ok": False, "exit_code": 2, "error": {"code": "file.not_found"}},
        {"ok": False, "exit_code": 2, "error": {"code": "file.not_found", "message": "x"},
         "detail": "x"},
    ],
    ids=["exit 1", "no message", "unknown key"],
)
def test_schema_refuses_a_malformed_refusal(refusal: dict[str, Any]) -> None:
    assert problems(refusal)


# --- every file of the shared corpus ------------------------------------------------------

FILES = sorted(p for p in (CORPUS / "sheets").rglob("*") if p.is_file())


def _refusal(error: CrmkitError, capsys: pytest.CaptureFixture[str]) -> Any:
    """The JSON the command line prints for `error`, through the function that prints it."""
    capsys.readouterr()
    with pytest.raises(typer.Exit):
        fail(Console(file=io.StringIO()), error, OutputFormat.json)
    return json.loads(capsys.readouterr().out)


@pytest.mark.skipif(not FILES, reason=f"shared corpus not found at {CORPUS}")
def test_every_corpus_file_gives_json_that_fits_the_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = {}
    for path in FILES:
        try:
            data = validate(path, write=False).to_dict()
        except CrmkitError as exc:
            data = _refusal(exc, capsys)
        if found := problems(data):
            broken[f"{path.parent.name}/{path.name}"] = found
    assert broken == {}


# --- docs/report.md -----------------------------------------------------------------------

DOC = ROOT / "docs" / "report.md"


def test_docs_examples_fit_the_schema() -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 2
    shapes = {json.loads(b)["exit_code"] for b in blocks}
    for block in blocks:
        assert_valid(json.loads(block))
    assert shapes == {1, 2}


def test_docs_name_every_key_of_the_schema() -> None:
    text = DOC.read_text(encoding="utf-8")
    keys = {w.rsplit("/", 1)[-1] for w, _ in _properties(SCHEMA)}
    assert sorted(k for k in keys if f"`{k}`" not in text) == []
