"""benchmarks/formulations.py on a tiny generated meeting: both sides solved, each
schedule checked, the table printed and written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_solves_both_sides_and_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "res" / "ti.md"
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "formulations.py"), "--choice", "time_indexed"]
        + ["--preset", "tiny", "--seeds", "3", "--time-limit", "5", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (row,) = [line for line in out.read_text().splitlines() if line.startswith("| 3 |")]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2] == cells[7] == "optimal"  # a tiny meeting is proven either way
    assert cells[3] == cells[8]  # the same optimum
    assert cells[6] == cells[11] == "yes"  # both schedules pass the checker
    assert row in run.stdout
