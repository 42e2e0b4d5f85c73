"""The input-workbook writer: sheets and columns as the spec names them, real date and time
cells, user text never turned into a formula, and a round trip through the reader."""

from __future__ import annotations

import csv
import dataclasses
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.generator import generate
from planner.model import Break, Problem, Unavailability
from planner.workbook_writer import (
    SHEETS,
    problem_tables,
    workbook_bytes,
    write_csv_folder,
    write_workbook,
)

#: Column names exactly as workbook.md gives them.
SPEC_COLUMNS = {
    "Event": ["key", "value"],
    "Days": ["date", "start", "end"],
    "Breaks": ["date", "start", "end", "label"],
    "Rooms": ["room_id", "name", "capacity", "features", "building"],
    "Groups": ["group_id", "name", "leads"],
    "Participants": ["participant_id", "name", "institution", "role", "email", "groups"],
    "Sessions": [
        "session_id", "title", "kind", "duration_min", "groups", "required", "optional", "features",
        "attendance", "day", "start", "room", "prefer_day", "prefer_time",
    ],
    "Unavailability": ["who", "date", "start", "end"],
    "Dependencies": ["first", "second", "relation", "gap_min"],
}  # fmt: skip

INJECTION = '=HYPERLINK("http://x","y")'


def _problem(seed: int = 3) -> Problem:
    return generate("small", seed).problem


def _hostile(problem: Problem) -> Problem:
    """The problem with formula-like text wherever users type text."""
    people = list(problem.participants)
    people[0] = dataclasses.replace(people[0], name=INJECTION, role="@role", institution="+inst")
    sessions = list(problem.sessions)
    sessions[0] = dataclasses.replace(sessions[0], title="-1 + 2")
    rooms = list(problem.rooms)
    rooms[0] = dataclasses.replace(rooms[0], name="=1+1", building="=SUM(A1:A2)")
    return dataclasses.replace(
        problem, participants=tuple(people), sessions=tuple(sessions), rooms=tuple(rooms)
    )


def test_tables_have_the_spec_sheets_and_columns():
    tables = problem_tables(_problem())
    assert list(tables) == list(SPEC_COLUMNS)
    assert SHEETS == SPEC_COLUMNS
    for name, rows in tables.items():
        assert rows[0] == SPEC_COLUMNS[name], name
        assert all(len(row) == len(rows[0]) for row in rows), name


def test_tables_use_dates_hhmm_and_joined_lists():
    p = _problem()
    tables = problem_tables(p)
    day = tables["Days"][1]
    assert isinstance(day[0], date)
    assert day[1] == f"{p.days[0].start // 60:02d}:{p.days[0].start % 60:02d}"
    sessions = {row[0]: row for row in tables["Sessions"][1:]}
    s = next(s for s in p.sessions if len(s.features) > 1)
    assert sessions[s.id][7] == ", ".join(sorted(s.features))
    events = dict(tables["Event"][1:])
    assert events["slot_minutes"] == p.event.slot_minutes
    assert events["timezone"] == p.event.timezone


def test_event_weights_are_weight_keys():
    p = _problem()
    p = dataclasses.replace(p, event=dataclasses.replace(p.event, weights=(("optional_clash", 7),)))
    assert ["weight_optional_clash", 7] in problem_tables(p)["Event"]


def test_midnight_end_is_2400():
    p = _problem()
    day = p.days[-1]
    p = dataclasses.replace(p, unavailability=(Unavailability(p.participants[0].id, day.date, 600, 24 * 60),))
    assert problem_tables(p)["Unavailability"][1][2:] == ["10:00", "24:00"]


def test_formula_like_text_is_stored_as_text(tmp_path: Path):
    path = write_workbook(_hostile(_problem()), tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(path)
    cells = {
        ("Participants", "B2"): INJECTION,
        ("Participants", "C2"): "+inst",
        ("Participants", "D2"): "@role",
        ("Sessions", "B2"): "-1 + 2",
        ("Rooms", "B2"): "=1+1",
        ("Rooms", "E2"): "=SUM(A1:A2)",
    }
    for (sheet, ref), text in cells.items():
        cell = wb[sheet][ref]
        assert cell.value == text, (sheet, ref)
        assert cell.data_type == "s", (sheet, ref)
    # No formula anywhere in the file.
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_dates_and_times_are_real_cells(tmp_path: Path):
    p = _problem()
    p = dataclasses.replace(
        p,
        breaks=p.breaks + (Break(p.days[0].date, 13 * 60, 13 * 60 + 15, "Photo"),),
        unavailability=(Unavailability(p.participants[0].id, p.days[0].date, 9 * 60, 24 * 60),),
    )
    wb = openpyxl.load_workbook(write_workbook(p, tmp_path / "x.xlsx"))
    days = wb["Days"]
    assert isinstance(days["A2"].value, datetime) and days["A2"].value.date() == p.days[0].date
    assert days["B2"].value == time(p.days[0].start // 60, p.days[0].start % 60)
    assert days["A2"].number_format == "yyyy-mm-dd" and days["B2"].number_format == "hh:mm"
    breaks = wb["Breaks"]
    assert breaks["A2"].value is None  # every day
    assert breaks.cell(breaks.max_row, 1).value.date() == p.days[0].date
    unav = wb["Unavailability"]
    assert unav["C2"].value == time(9, 0)
    assert unav["D2"].value == "24:00"  # no time cell holds 24:00


def test_sheet_layout(tmp_path: Path):
    wb = openpyxl.load_workbook(write_workbook(_problem(), tmp_path / "x.xlsx"))
    assert wb.sheetnames == list(SPEC_COLUMNS)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        assert [c.value for c in ws[1]] == SPEC_COLUMNS[ws.title]
    assert wb["Participants"].column_dimensions["B"].width > 10


def test_control_characters_are_refused_with_their_place():
    p = _problem()
    people = list(p.participants)
    people[1] = dataclasses.replace(people[1], name="bad\x07name")
    with pytest.raises(ValueError, match="Participants, row 3, column name"):
        workbook_bytes(dataclasses.replace(p, participants=tuple(people)))


def test_equal_problems_give_equal_bytes():
    assert workbook_bytes(_problem()) == workbook_bytes(_problem())


def test_csv_folder(tmp_path: Path):
    p = _hostile(_problem())
    folder = write_csv_folder(p, tmp_path / "csv")
    assert sorted(f.name for f in folder.iterdir()) == sorted(f"{n.lower()}.csv" for n in SPEC_COLUMNS)
    with open(folder / "days.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == SPEC_COLUMNS["Days"]
    assert rows[1][0] == p.days[0].date.isoformat()
    assert rows[1][1] == f"{p.days[0].start // 60:02d}:{p.days[0].start % 60:02d}"
    with open(folder / "participants.csv", encoding="utf-8", newline="") as f:
        assert list(csv.reader(f))[1][1] == INJECTION  # data, verbatim


# -- round trip through the reader -------------------------------------------------


def _read():
    return pytest.importorskip("planner.reader").read_problem


@pytest.mark.parametrize(("preset", "seed"), [("tiny", 0), ("small", 1), ("alliance", 0)])
def test_round_trip_xlsx_and_csv(tmp_path: Path, preset: str, seed: int):
    read_problem = _read()
    p = generate(preset, seed).problem
    assert read_problem(write_workbook(p, tmp_path / "p.xlsx")) == p
    assert read_problem(write_csv_folder(p, tmp_path / "csv")) == p


def test_round_trip_keeps_formula_like_text(tmp_path: Path):
    read_problem = _read()
    p = _hostile(_problem())
    assert read_problem(write_workbook(p, tmp_path / "p.xlsx")) == p
    assert read_problem(write_csv_folder(p, tmp_path / "csv")) == p


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(preset=st.sampled_from(["tiny", "small"]), seed=st.integers(0, 10**6))
def test_round_trip_generated(tmp_path_factory: pytest.TempPathFactory, preset: str, seed: int):
    read_problem = _read()
    p = generate(preset, seed).problem
    folder = tmp_path_factory.mktemp("rt")
    assert read_problem(write_workbook(p, folder / "p.xlsx")) == p
    assert read_problem(write_csv_folder(p, folder / "csv")) == p
