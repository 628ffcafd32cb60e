"""The fuzzer (tests/fuzzing.py) for a bounded time: every mutated input ends in a report or a
CrmkitError, never a traceback, a hang, a crash or a formula in an output; and every finding
saved under tests/data/fuzz/ stays fixed.

CRMKIT_FUZZ_SECONDS is the budget (default 30 s, shared between the lists and the corpus; 0
skips), CRMKIT_FUZZ_SEED picks other inputs, CRMKIT_FUZZ_FINDINGS keeps the findings' files
(default: the test's tmp_path). docs/fuzzing.md says how to run it for ten minutes or an hour.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import fuzzing

SECONDS = float(os.environ.get("CRMKIT_FUZZ_SECONDS", "30"))
SEED = int(os.environ.get("CRMKIT_FUZZ_SEED", "0"))
HAS_CORPUS = bool(fuzzing.corpus_files())
#: findings turned into regression tests: each a folder as the fuzzer saves it
REGRESSIONS = sorted(p.parent for p in (Path(__file__).parent / "data" / "fuzz").glob("*/job.json"))


def fuzz_for(group: str, seconds: float, tmp_path: Path) -> None:
    findings = Path(os.environ.get("CRMKIT_FUZZ_FINDINGS") or tmp_path / "findings")
    # Two workers, 15 s an input and 5 s of grace at the end: about 45 s in all on two cores.
    summary = fuzzing.fuzz(seconds, seed=SEED, findings=findings, group=group, timeout=15,
                           grace=5, workers=min(2, os.cpu_count() or 1))
    print(summary.render())  # how many inputs were tried: shown with -s or -rA
    assert summary.tried > 0
    assert not summary.findings, (
        f"{len(summary.findings)} fuzz finding(s) in {summary.tried} inputs (seed {SEED}); "
        f"reproduce with `python tests/fuzzing.py --reproduce FOLDER`:\n"
        + summary.describe_findings()
    )


@pytest.mark.skipif(SECONDS <= 0, reason="CRMKIT_FUZZ_SECONDS=0 turns fuzzing off")
def test_fuzzed_examples_and_lists_are_checked_or_refused(tmp_path: Path) -> None:
    fuzz_for("lists", SECONDS / 2 if HAS_CORPUS else SECONDS, tmp_path)


@pytest.mark.skipif(SECONDS <= 0, reason="CRMKIT_FUZZ_SECONDS=0 turns fuzzing off")
@pytest.mark.skipif(not HAS_CORPUS, reason=f"shared corpus not found at {fuzzing.CORPUS}: "
                    "only the examples and generated lists were fuzzed")
def test_fuzzed_corpus_files_are_checked_or_refused(tmp_path: Path) -> None:
    fuzz_for("corpus", SECONDS / 2, tmp_path)


@pytest.mark.parametrize("folder", REGRESSIONS or [pytest.param(
    None, marks=pytest.mark.skip(reason="no saved findings in tests/data/fuzz/ yet"))],
    ids=lambda p: p.name if isinstance(p, Path) else "none")
def test_saved_finding_is_checked_or_refused(folder: Path) -> None:
    # In a process of its own: a finding that was a crash or a hang must not take pytest down.
    result = subprocess.run(
        [sys.executable, fuzzing.__file__, "--reproduce", str(folder)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
