"""Schedule files: rows as the spec lists them, written and read back unchanged;
a bad schedule file is reported by file, row, column and value."""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from planner.errors import InputError, InputIssue
from planner.model import Assignment, Problem, Schedule
from planner.reader import read_problem
from planner.schedule_io import SCHEDULE_COLUMNS, read_schedule, schedule_rows, write_schedule_csv
from tests.workbooks import valid_sheets, write_csv_folder

D1, D2 = date(2025, 10, 21), date(2025, 10, 22)

SCHEDULE = Schedule(
    (
        Assignment("S4", D2, 15 * 60, "R1"),
        Assignment("S3", D1, 10 * 60 + 15, "R2"),
        Assignment("S2", D1, 10 * 60 + 15, "R1"),
        Assignment("S1", D1, 9 * 60, "R1"),
    )
)


@pytest.fixture(scope="module")
def problem(tmp_path_factory: pytest.TempPathFactory) -> Problem:
    return read_problem(write_csv_folder(tmp_path_factory.mktemp("input"), valid_sheets()))


def _issues(path: Path) -> list[InputIssue]:
    with pytest.raises(InputError) as info:
        read_schedule(path)
    return info.value.issues


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_columns_are_the_specs() -> None:
    assert SCHEDULE_COLUMNS == (
        "session_id",
        "title",
        "kind",
        "date",
        "start",
        "end",
        "room_id",
        "room_name",
        "attendance",
    )


def test_rows_are_sorted_and_say_what_the_problem_gives_or_implies(problem: Problem) -> None:
    rows = schedule_rows(problem, SCHEDULE)

    assert [list(r) for r in rows] == [list(SCHEDULE_COLUMNS)] * 4
    assert [r["session_id"] for r in rows] == ["S1", "S2", "S3", "S4"]  # date, start, room, session
    assert rows[1] == {
        "session_id": "S2",
        "title": "WP1 meeting",
        "kind": "working_group",
        "date": "2025-10-21",
        "start": "10:15",
        "end": "11:45",
        "room_id": "R1",
        "room_name": "Aula",
        "attendance": "3",  # WP1 is P1 and P2; P3 is optional
    }
    assert rows[0]["attendance"] == "4"  # a plenary: every participant
    assert rows[2]["attendance"] == "5"  # as given
    assert rows[3]["end"] == "15:45"


def test_unknown_sessions_and_rooms_keep_their_ids(problem: Problem) -> None:
    (row,) = schedule_rows(problem, Schedule((Assignment("X9", D1, 600, "R9"),)))
    assert row == {
        "session_id": "X9",
        "title": "",
        "kind": "",
        "date": "2025-10-21",
        "start": "10:00",
        "end": "",
        "room_id": "R9",
        "room_name": "",
        "attendance": "",
    }


def test_csv_round_trip(problem: Problem, tmp_path: Path) -> None:
    path = tmp_path / "schedule.csv"
    write_schedule_csv(problem, SCHEDULE, path)

    with open(path, encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == list(SCHEDULE_COLUMNS)
    assert lines[1] == ["S1", "Opening", "plenary", "2025-10-21", "09:00", "10:00", "R1", "Aula", "4"]
    assert set(read_schedule(path).assignments) == set(SCHEDULE.assignments)
    assert [a.session_id for a in read_schedule(path).assignments] == ["S1", "S2", "S3", "S4"]


def test_reads_the_sessions_sheet_of_a_workbook_with_real_cells(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Summary"
    ws = workbook.create_sheet(" sessions ")
    ws.append(["Session_ID", "Date", "Start", "End", "Room_ID", "note"])
    ws.append([101, datetime(2025, 10, 21), time(9, 30), time(10, 0), "R1", "x"])
    ws.append([None, None, None, None, None, None])
    ws.append(["S2", "2025-10-22", "13:00", "14:00", 7.0, None])
    path = tmp_path / "schedule.xlsx"
    workbook.save(path)

    assert read_schedule(path) == Schedule(
        (Assignment("101", D1, 570, "R1"), Assignment("S2", D2, 780, "7")),
    )


def test_a_repeated_session_stays_repeated(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "s.csv",
        "session_id,date,start,room_id\nS1,2025-10-21,09:00,R1\n\nS1,2025-10-22,09:00,R2\n",
    )
    schedule = read_schedule(path)
    assert [a.room_id for a in schedule.assignments] == ["R1", "R2"]


def test_only_four_columns_are_required_and_a_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(b"\xef\xbb\xbfRoom_ID, Start ,DATE,session_id\nR1,9:00,2025-10-21,S1\n")
    assert read_schedule(path) == Schedule((Assignment("S1", D1, 540, "R1"),))


def test_bad_cells_are_named_by_file_row_column_and_value(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "schedule.csv",
        "session_id,date,start,room_id\n"
        "S1,21/10/2025,09:00,R1\n"
        "S2,2025-10-21,9h30,R1\n"
        ",2025-10-21,09:00,R1\n"
        "S4,2025-10-21,24:00,\n",
    )
    assert [(i.sheet, i.row, i.column, i.value) for i in _issues(path)] == [
        ("schedule.csv", 2, "date", "21/10/2025"),
        ("schedule.csv", 3, "start", "9h30"),
        ("schedule.csv", 4, "session_id", ""),
        ("schedule.csv", 5, "start", "24:00"),
        ("schedule.csv", 5, "room_id", ""),
    ]


def test_missing_columns_are_each_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "schedule.csv", "session_id,title,date\nS1,Opening,2025-10-21\n")
    assert [(i.sheet, i.row, i.column) for i in _issues(path)] == [
        ("schedule.csv", None, "start"),
        ("schedule.csv", None, "room_id"),
    ]


def test_bad_cells_in_a_workbook_name_the_file_and_sheet(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Sessions"
    ws.append(["session_id", "date", "start", "room_id"])
    ws.append(["S1", datetime(2025, 10, 21, 9, 0), time(9, 0), "R1"])
    path = tmp_path / "out.xlsx"
    workbook.save(path)

    (issue,) = _issues(path)
    assert (issue.sheet, issue.row, issue.column) == ("out.xlsx, sheet Sessions", 2, "date")


def test_files_that_are_not_schedules(tmp_path: Path) -> None:
    assert "no such file" in _issues(tmp_path / "missing.csv")[0].message
    assert "is a folder" in _issues(tmp_path)[0].message
    workbook = openpyxl.Workbook()
    workbook.active.title = "Rooms"
    workbook.save(tmp_path / "other.xlsx")
    assert "no sheet named Sessions" in _issues(tmp_path / "other.xlsx")[0].message
    (tmp_path / "latin.csv").write_bytes(
        "session_id,date,start,room_id\nS\xe9,2025-10-21,09:00,R1\n".encode("latin-1")
    )
    assert "UTF-8" in _issues(tmp_path / "latin.csv")[0].message
    assert "empty" in _issues(_write(tmp_path / "empty.csv", ""))[0].message
