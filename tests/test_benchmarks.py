"""The benchmark suite keeps working: tiny lists, one run, no timing asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import generate  # noqa: E402  (benchmarks/ lives beside src/, not in it)

ROWS = 400


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_same_seed_and_size_give_identical_bytes(tmp_path, fmt):
    one, two = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert generate.generate(one, ROWS) == generate.generate(two, ROWS)
    assert one.read_bytes() == two.read_bytes()
    assert generate.generate(two, ROWS, seed=7) != generate.generate(one, ROWS)


def test_planted_rates_are_roughly_the_stated_ones():
    planted = generate.Planted(rows=20_000, seed=generate.DEFAULT_SEED)
    for _ in generate.rows(20_000, planted=planted):
        pass
    assert planted.invalid_phones / 20_000 == pytest.approx(0.03, abs=0.005)
    assert planted.duplicates / 20_000 == pytest.approx(0.02, abs=0.005)
    assert planted.missing_tags / 20_000 == pytest.approx(0.01, abs=0.004)
    assert planted.bad_emails / 20_000 == pytest.approx(0.01, abs=0.004)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_crmkit_finds_what_was_planted(tmp_path, fmt):
    path = tmp_path / f"customers.{fmt}"
    planted = generate.generate(path, ROWS)
    assert planted.invalid_phones and planted.duplicates
    done = subprocess.run(
        [sys.executable, "-m", "crmkit", "validate", str(path), "--no-write", "--format", "json",
         "--limit", "100000"],
        capture_output=True, check=False,
    )
    assert done.returncode == 1, done.stderr.decode()
    by_code = json.loads(done.stdout)["summary"]["by_code"]
    # Each defective row carries one defect, so the counts should match; a little slack keeps
    # the test about the generator, not about crmkit's edge cases.
    assert by_code["phone.invalid"] == pytest.approx(planted.invalid_phones, abs=2)
    assert by_code["duplicate.in_file"] == pytest.approx(planted.duplicates, abs=2)
    assert by_code.get("required.missing", 0) == pytest.approx(planted.missing_tags, abs=2)
    assert by_code.get("email.invalid", 0) == pytest.approx(planted.bad_emails, abs=2)


def test_runner_records_every_measurement(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--sizes", "200", "--runs", "1", "--format",
         "xlsx,csv", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "crmkit/floor" in done.stdout
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["machine"]["cpus"] and results["machine"]["python"]
    for name in ("crmkit_version", "crmkit_help", "crmkit_template_list", "import_typer"):
        assert results["startup"][name]["median_s"] > 0
    assert [(e["rows"], e["format"]) for e in results["lists"]] == [(200, "xlsx"), (200, "csv")]
    for entry in results["lists"]:
        for name in ("read", "floor", "crmkit"):
            assert entry[name]["median_s"] > 0
            assert entry[name]["peak_rss_mb"] > 0
        assert entry["ratio_crmkit_to_floor"] > 0
        # with the fast extra, crmkit is also timed as it runs without it
        if entry["writer"] == "rustpy-xlsxwriter":
            assert entry["crmkit_xlsxwriter"]["env"] == {"CRMKIT_WRITER": "xlsxwriter"}
            assert entry["ratio_crmkit_xlsxwriter_to_floor"] > 0
        else:
            assert "crmkit_xlsxwriter" not in entry
        friction = entry["frictionless"]
        assert isinstance(friction, dict) or friction.startswith("skipped")
