"""benchmarks/itc2007.py on a tiny instance folder: it reads the data where they are,
verifies every solution and writes the table as CSV and markdown."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from planner.itc2007.evaluate import evaluate
from planner.itc2007.sln import read_sln
from planner.itc2007.tim import parse_tim
from tests.itc2007_data import SMALL, tim_text

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_writes_verified_results(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "comp-2007-2-3.tim").write_text(tim_text(**SMALL))
    (data / "published-results.csv").write_text(
        "instance,cambazard_itc2007,best_known_soft_in_these_sources\n3,164,110\n"
    )
    out = tmp_path / "res" / "itc"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "itc2007.py"),
            "--data",
            str(data),
            "--instances",
            "3",
            "--time-limit",
            "3",
            "--workers",
            "1",
            "--out",
            str(out) + ".csv",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    with out.with_suffix(".csv").open() as f:
        (row,) = list(csv.DictReader(f))
    assert (row["instance"], row["events"], row["dtf"], row["verified"]) == ("3", "6", "0", "yes")
    assert (row["cambazard_itc2007"], row["best_published"]) == ("164", "110")
    inst = parse_tim(tim_text(**SMALL))
    ev = evaluate(inst, read_sln(tmp_path / "res" / "itc-sln" / "comp-2007-2-3.sln", inst.n_events))
    assert ev.feasible and str(ev.soft) == row["soft"]
    assert "| 3 | 6 | 4 |" in out.with_suffix(".md").read_text()


def test_missing_data_is_one_message_and_exit_2(tmp_path: Path):
    """Instances not in the data folder (a clone without ../shared): the folder and the files
    named, no traceback, no table written; the closest case is the test above."""
    (tmp_path / "comp-2007-2-3.tim").write_text(tim_text(**SMALL))
    out = tmp_path / "res" / "itc"
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "itc2007.py"), "--data", str(tmp_path)]
        + ["--instances", "3", "4", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert str(tmp_path) in run.stderr and "comp-2007-2-4.tim" in run.stderr
    assert "comp-2007-2-3.tim" not in run.stderr and "Traceback" not in run.stderr
    assert not out.parent.exists()
