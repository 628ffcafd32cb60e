"""The command line: exit codes, JSON equal to the library's report, one-line failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkit import __version__, validate
from crmkit.cli import app

from conftest import HEADER, sha256, write_xlsx

runner = CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert (code, out.strip()) == (0, f"crmkit {__version__}")


@pytest.mark.parametrize("redirect", [">&-", "| true"])
def test_version_with_nobody_reading_is_quiet(redirect: str) -> None:
    done = subprocess.run(["bash", "-c", f'"$0" -m crmkit --version {redirect}',
                           sys.executable], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")


def test_version_is_answered_before_the_command_line_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crmkit import entry

    from conftest import heavy_imports

    assert heavy_imports(["--version"], tmp_path, ["typer", "rich", "crmkit.cli"]) == []
    monkeypatch.setattr(sys, "argv", ["crmkit", "--version"])
    entry.main()
    assert capsys.readouterr().out == f"crmkit {__version__}\n"


def test_exit_0_when_every_row_is_valid(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["张三", "13800138000", "VIP"]])
    code, out, err = run("validate", str(path))
    assert code == 0
    assert out == ""  # the human summary goes to stderr
    assert "全部通过" in err


def test_exit_1_and_json_equal_to_the_library_report(customers: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run("validate", str(customers), "--format", "json", "--out", str(out_dir),
                         "--no-mask")
    assert code == 1
    printed = json.loads(out)
    assert printed == json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    report = validate(customers, out=tmp_path / "lib")
    library = report.to_dict()
    library["outputs"] = printed["outputs"]  # only the folder differs
    library["batches"] = printed["batches"]
    assert printed == library
    # By default stdout is the same report with the phone numbers masked.
    _, masked, _ = run("validate", str(customers), "--format", "json", "--out", str(out_dir))
    library = report.to_dict(mask=True)
    library["outputs"], library["batches"] = printed["outputs"], printed["batches"]
    assert json.loads(masked) == library
    assert "待修正" in err and "Traceback" not in err


def test_limit_exceeded_is_exit_1(tmp_path: Path) -> None:
    rows = [HEADER, *([f"客户{i}", f"1380013{i:04d}", "VIP"] for i in range(3))]
    path = write_xlsx(tmp_path / "in.xlsx", rows)
    code, out, _ = run("validate", str(path), "--limit", "2", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["rows"]["overflow"] == 1 and report["limit"]["exceeded"] is True
    code, _, _ = run("validate", str(path), "--tier", "team", "--existing-count", "1997")
    assert code == 0


def test_strict_turns_warnings_into_exit_1(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [[*HEADER, "来源"], ["张三", "13800138000", "VIP"]])
    assert run("validate", str(path))[0] == 0
    assert run("validate", str(path), "--strict")[0] == 1


@pytest.mark.parametrize(
    ("make", "args", "code_name"),
    [
        (lambda d: d / "missing.xlsx", [], "file.not_found"),
        (lambda d: write_xlsx(d / "x.xlsx", [["日期", "金额"]]), [], "header.not_found"),
        (lambda d: write_xlsx(d / "x.xlsx", [["姓名", "手机号码"]]), [], "header.missing"),
        (lambda d: write_xlsx(d / "x.xlsx", [HEADER]), ["--tier", "gold"], "options.invalid"),
        (lambda d: write_xlsx(d / "x.xlsx", [HEADER]), ["--tier", "team", "--limit", "5"],
         "options.invalid"),
        (lambda d: write_xlsx(d / "x.xlsx", [HEADER]), ["--template", "nope"],
         "template.not_found"),
        (lambda d: write_xlsx(d / "x.xlsx", [HEADER]), ["--sheet", "9"], "sheet.not_found"),
    ],
)
def test_exit_2_prints_one_line_and_json_says_why(
    tmp_path: Path, make: object, args: list[str], code_name: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    code, out, err = run("validate", str(path), *args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"crmkit: 错误 [{code_name}]")
    code, out, _ = run("validate", str(path), *args, "--format", "json")
    assert code == 2 and json.loads(out)["error"]["code"] == code_name


def test_an_internal_error_is_one_line_without_debug_and_a_traceback_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crmkit.pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(crmkit.pipeline, "validate", boom)
    path = write_xlsx(tmp_path / "x.xlsx", [HEADER])
    code, _, err = run("validate", str(path))
    assert code == 2 and err.count("\n") == 1 and "[internal.error]" in err
    code, _, err = run("validate", str(path), "--debug")
    assert code == 2  # still "could not check", never 1 ("rows rejected")
    assert "Traceback" in err and "ValueError" in err


def test_debug_traceback_never_shows_local_variables(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [HEADER])
    script = (
        "import sys, crmkit.pipeline as p\n"
        "def boom(*a, **k):\n"
        "    customer_phone = '139' + '00139000'\n"
        "    raise ValueError('boom')\n"
        "p.validate = boom\n"
        "from crmkit.cli import main\n"
        "sys.argv = ['crmkit', 'validate', sys.argv[1], '--debug']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "120"}, check=False)
    assert done.returncode == 2
    assert "ValueError" in done.stderr
    assert "13900139000" not in done.stderr + done.stdout


def test_input_file_is_not_modified_by_the_cli(customers: Path) -> None:
    before = sha256(customers)
    run("validate", str(customers))
    assert sha256(customers) == before


def test_help_documents_exit_codes_and_an_example() -> None:
    code, out, _ = run("validate", "--help")
    assert code == 0
    for text in ("Exit codes", "0 every row is valid", "2 crmkit could not", "Example:"):
        assert text in " ".join(out.split())


def test_map_forces_columns_onto_fields_the_header_does_not_name(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "english.xlsx", [
        ["Customer", "Tel", "Labels", "Memo"],
        ["张三", "13800138000", "VIP", "x"],
    ])
    code, out, err = run("validate", str(path), "--out", str(tmp_path / "o"), "--format", "json",
                         "--map", "Customer=姓名", "--map", "Tel=mobile", "--map", "C=tags",
                         "--map", "Memo=")
    assert code == 0, err
    mapped = {c["header"]: (c["field"], c["match"]) for c in json.loads(out)["header_map"]}
    assert mapped == {"Customer": ("name", "forced"), "Tel": ("mobile", "forced"),
                      "Labels": ("tags", "forced"), "Memo": (None, "ignored")}
    assert "（--map）" in err


def test_map_naming_an_unknown_field_is_a_bad_option(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [HEADER, ["张三", "13800138000", "VIP"]])
    code, _, err = run("validate", str(path), "--map", "手机号码=座机")
    assert code == 2 and "options.invalid" in err and "座机" in err
    code, _, err = run("validate", str(path), "--map", "手机号码")
    assert code == 2 and "源列=字段" in err


def test_encoding_and_delimiter_override_what_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes("姓名;手机号码;标签\r\n张三;13800138000;VIP\r\n".encode("gbk"))
    code, out, err = run("validate", str(path), "--out", str(tmp_path / "o"), "--format",
                         "json", "--encoding", "gbk", "--delimiter", "semicolon")
    assert code == 0, err
    data = json.loads(out)
    assert (data["input"]["encoding"], data["input"]["delimiter"]) == ("gb18030", ";")
    code, _, err = run("validate", str(path), "--encoding", "klingon")
    assert code == 2 and "options.invalid" in err


def test_a_workbook_named_for_another_format_is_read_and_said_so(tmp_path: Path) -> None:
    real = write_xlsx(tmp_path / "list.xlsx", [HEADER, ["张三", "13800138000", "VIP"]])
    misnamed = real.rename(tmp_path / "list.xls")
    code, out, err = run("validate", str(misnamed), "--out", str(tmp_path / "o"), "--format",
                         "json")
    assert code == 0, err
    notices = [i for i in json.loads(out)["issues"] if i["code"] == "file.misnamed"]
    assert len(notices) == 1 and "文件名是 .xls" in notices[0]["message"]
    assert notices[0]["severity"] == "notice"


def test_shell_completion_is_offered_for_bash() -> None:
    result = CliRunner().invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0
    assert "_crmkit_completion" in result.stdout and "complete " in result.stdout


def test_every_command_has_help_with_an_example() -> None:
    for command in (["validate"], ["codes"], ["explain"], ["template", "list"],
                    ["template", "new"], ["template", "show"], ["template", "check"],
                    ["template", "excel"], ["template", "diff"]):
        result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [*command, "--help"])
        assert result.exit_code == 0, command
        assert "crmkit " + " ".join(command) in result.stdout.replace("Usage: ", ""), command
        assert "Example" in result.stdout or "例" in result.stdout, command


def test_the_import_probe_sees_the_data_stack_when_a_command_loads_it(tmp_path: Path) -> None:
    # Keeps the "does not import the data stack" tests honest: the probe can fail.
    from conftest import heavy_imports

    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["张三", "13800138000", "VIP"]])
    assert "polars" in heavy_imports(["validate", str(path), "--no-write"], tmp_path)
