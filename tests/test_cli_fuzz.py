"""Fuzzing the command line: whatever an organiser types into a cell, ``planner`` answers
with exit 0, 2 or 3 (``check``: 0, 1 or 2), never 4 (an internal error), never a traceback.

Each example overwrites a few cells of a small valid problem's sheets with random
text, numbers, dates, times or blanks, writes the workbook (or CSV folder) and runs
``planner.cli.main`` in-process. Derandomized: the same examples on every run.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.generator import generate
from planner.schedule_io import SCHEDULE_COLUMNS, schedule_rows
from planner.workbook_writer import problem_tables, write_csv_folder
from tests.test_cli import Edit, Tables, add_row, base_problem, edited, put, write_xlsx

FUZZ = settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SOLVE = ["--time-limit", "2", "--workers", "2", "--seed", "1", "--quiet"]

BASES: list[Tables] = [problem_tables(base_problem()), problem_tables(generate("tiny", 1).problem)]

#: Words that mean something somewhere in the workbook, so that edits reach deep checks.
WORDS = [
    "plenary", "working_group", "Cross-Package", "other", "before", "back_to_back", "same_day",
    "different_day", "not_parallel", "morning", "afternoon", "Europe/Stockholm", "UTC", "localtime",
    "name", "timezone", "slot_minutes", "weight_room_fit", "weight_optional_clash", "weight_",
    "S1", "S2", "S3", "S4", "P1", "P2", "WP1", "WP2", "R1", "R2", "LB", "A1", "X1", "OTH01",
    "S1, S2", "WP1, P4", "P1,P1", "projector", "hybrid, lab",
    "2025-10-21", "2025-10-22", "2025-10-21, 2025-10-22", "2025-10-21 00:00", "2025-10-21T09:00",
    "00:00", "08:30", "09:00", "12:00", "13:00", "17:00", "23:59", "24:00", "9:5", "12:60", "10:00:30",
    "0", "-1", "1", "15", "30", "45", "60", "20.0", "1.5", "1e3", "nan", "inf", "TRUE", "=1+1", ",", "",
]  # fmt: skip

#: Numbers stay within ±10**9: larger ones overflow the solver's model, the known crash that
#: test_huge_numbers_are_input_errors documents.
VALUES = st.one_of(
    st.none(),
    st.sampled_from(WORDS),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9, allow_nan=False),
    st.dates(date(1900, 3, 1), date(2100, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(2100, 12, 31)),
    st.times(),
    st.booleans(),
)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def fuzzed(data: st.DataObject, values: st.SearchStrategy[Any] = VALUES) -> Tables:
    """A base problem's sheets with 1-4 cells (headers included) overwritten."""
    tables = copy.deepcopy(BASES[data.draw(st.integers(0, len(BASES) - 1), label="base")])
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        sheet = data.draw(st.sampled_from(sorted(tables)), label="sheet")
        rows = tables[sheet]
        r = data.draw(st.integers(0, len(rows) - 1), label="row")
        c = data.draw(st.integers(0, len(rows[r]) - 1), label="column")
        rows[r][c] = data.draw(values, label=f"{sheet}[{r + 1}][{rows[0][c]}]")
    return tables


def assert_answered(code: int, out: str, err: str, outdir: Path, allowed: tuple[int, ...]) -> None:
    event(f"exit {code}")  # pytest --hypothesis-show-statistics: how deep the examples reach
    assert code in allowed, f"exit {code}\n{out}\n{err}"
    assert "Traceback" not in out + err
    assert "internal error" not in err
    if code == 2:
        assert err.startswith("The input is not valid:"), err
        assert not outdir.exists()
    if code == 0 and allowed == (0, 2, 3):
        assert (outdir / "schedule.csv").is_file()


@FUZZ
@given(data=st.data())
def test_fuzzed_workbook(data: st.DataObject) -> None:
    tables = fuzzed(data)
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = write_xlsx(tables, Path(tmp) / "meeting.xlsx")
        outdir = Path(tmp) / "out"
        code, out, err = run(["solve", str(xlsx), "--out", str(outdir), *SOLVE])
        assert_answered(code, out, err, outdir, (0, 2, 3))


@FUZZ
@given(data=st.data())
def test_fuzzed_csv_folder(data: st.DataObject) -> None:
    tables = fuzzed(data, st.one_of(st.sampled_from(WORDS), st.text(max_size=12)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "meeting"
        folder.mkdir()
        for name, rows in tables.items():
            with open(folder / f"{name.lower()}.csv", "w", encoding="utf-8", newline="") as f:
                cells = [
                    ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in r]
                    for r in rows
                ]
                csv.writer(f).writerows(cells)
        outdir = Path(tmp) / "out"
        code, out, err = run(["solve", str(folder), "--out", str(outdir), *SOLVE])
        assert_answered(code, out, err, outdir, (0, 2, 3))


TINY = generate("tiny", 1)
SCHEDULE_WORDS = [
    "", "x", "S1", "LB-1", "WP1-1", "X1", "OTH01", "HALL", "A1", "A2", "R9",
    "2025-10-21", "2025-10-22", "2025-10-20", "21/10/2025", "00:00", "08:30", "09:00", "12:00",
    "16:30", "17:00", "23:45", "24:00", "25:00", "9:5",
]  # fmt: skip


@FUZZ
@given(data=st.data())
def test_fuzzed_schedule_for_check(data: st.DataObject) -> None:
    """check on a planted schedule with cells overwritten, rows dropped or repeated: 0, 1 or 2."""
    rows = [list(r.values()) for r in schedule_rows(TINY.problem, TINY.planted)]
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        op = data.draw(st.sampled_from(["cell", "cell", "drop", "repeat"]), label="op")
        if not rows:
            break
        i = data.draw(st.integers(0, len(rows) - 1), label="row")
        if op == "cell":
            c = data.draw(st.integers(0, len(SCHEDULE_COLUMNS) - 1), label="column")
            rows[i][c] = data.draw(
                st.one_of(st.sampled_from(SCHEDULE_WORDS), st.text(max_size=8)), label="value"
            )
        elif op == "drop":
            del rows[i]
        else:
            rows.append(list(rows[i]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_csv_folder(TINY.problem, Path(tmp) / "meeting")
        schedule = Path(tmp) / "schedule.csv"
        with open(schedule, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([list(SCHEDULE_COLUMNS), *rows])
        code, out, err = run(["check", str(folder), str(schedule)])
        assert_answered(code, out, err, Path(tmp) / "no-out", (0, 1, 2))
        if code in (0, 1):
            assert ("BROKEN" in out) == (code == 1)


# -- found by fuzzing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(put("Rooms", 3, "capacity", 2**63), id="capacity-2**63"),
        pytest.param(put("Rooms", 3, "capacity", 2**64), id="capacity-2**64"),
        pytest.param(add_row("Event", key="weight_room_fit", value=10**18), id="weight_room_fit-10**18"),
        pytest.param(
            add_row("Event", key="weight_optional_clash", value=10**18), id="weight_optional_clash-10**18"
        ),
        pytest.param(put("Dependencies", 2, "gap_min", 2**63), id="gap_min-2**63"),
    ],
)
def test_huge_numbers_are_input_errors(tmp_path: Path, edit: Edit) -> None:
    """Numbers this large once passed validation and overflowed the solver (exit 4)."""
    xlsx = write_xlsx(edited(edit), tmp_path / "meeting.xlsx")
    outdir = tmp_path / "out"
    code, out, err = run(["solve", str(xlsx), "--out", str(outdir), *SOLVE])
    assert code == 2, f"exit {code}\n{out}\n{err}"
    assert "Traceback" not in out + err
    assert "no larger than 1,000,000" in err
    assert not outdir.exists()
