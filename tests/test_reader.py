"""The reader: workbook and CSV folder give the same Problem; every bad input is
reported where the organiser can find it (sheet, row, column), all at once."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from planner.errors import InputError, InputIssue
from planner.model import Kind, Relation
from planner.reader import Table, build_problem, load_tables, read_problem
from planner.validation import (
    CellError,
    _Hints,
    parse_date,
    parse_dates,
    parse_id,
    parse_list,
    parse_time,
    parse_whole,
)
from tests.workbooks import Sheets, excel_cells, valid_sheets, write_csv_folder, write_xlsx

# -- helpers -------------------------------------------------------------------------

Edit = Callable[[Sheets], None]


def put(sheet: str, row: int, column: str, value: Any) -> Edit:
    """Sets one cell; ``row`` as the spreadsheet shows it (the first data row is 2)."""

    def edit(sheets: Sheets) -> None:
        sheets[sheet][row - 2][column] = value

    return edit


def add(sheet: str, **cells: Any) -> Edit:
    """Appends a row (it becomes row len + 2)."""
    return lambda sheets: sheets[sheet].append(dict(cells))


def drop_row(sheet: str, row: int) -> Edit:
    return lambda sheets: sheets[sheet].pop(row - 2)


def drop_sheet(sheet: str) -> Edit:
    return lambda sheets: sheets.pop(sheet)


def drop_column(sheet: str, column: str) -> Edit:
    def edit(sheets: Sheets) -> None:
        for row in sheets[sheet]:
            row.pop(column, None)

    return edit


def issues_of(tmp_path: Path, *edits: Edit) -> list[InputIssue]:
    """The issues reported for the valid workbook after ``edits``, read as a CSV folder."""
    sheets = valid_sheets()
    for edit in edits:
        edit(sheets)
    with pytest.raises(InputError) as info:
        read_problem(write_csv_folder(tmp_path / "input", sheets))
    return info.value.issues


def find(issues: list[InputIssue], sheet: str, row: int | None, column: str | None) -> InputIssue:
    """The issue reported at this place (fails, listing what was reported, if none)."""
    for issue in issues:
        if (issue.sheet, issue.row, issue.column) == (sheet, row, column):
            return issue
    listed = "\n".join(str(i) for i in issues)
    raise AssertionError(f"nothing reported at {sheet}, row {row}, column {column}; reported:\n{listed}")


# -- valid input ---------------------------------------------------------------------


def test_valid_csv_folder_reads_every_sheet(tmp_path: Path) -> None:
    problem = read_problem(write_csv_folder(tmp_path, valid_sheets()))

    assert problem.event.name == "Test meeting"
    assert problem.event.slot_minutes == 15
    assert problem.event.weights == (("room_fit", 2),)  # prefix dropped; unknown key "colour" ignored
    assert problem.event.weight("room_fit") == 2
    assert [(d.date, d.start, d.end) for d in problem.days] == [
        (date(2025, 10, 21), 9 * 60, 17 * 60),
        (date(2025, 10, 22), 8 * 60 + 30, 24 * 60),  # 24:00 is a valid end
    ]
    assert [(b.date, b.start, b.end, b.label) for b in problem.breaks] == [
        (None, 720, 780, "Lunch"),
        (date(2025, 10, 21), 900, 930, "Fika"),
    ]
    r1, r2 = problem.rooms
    assert (r1.capacity, r1.features, r1.building) == (100, frozenset({"hybrid", "projector"}), "A")
    assert (r2.features, r2.building) == (frozenset(), "")
    assert problem.group_by_id["WP1"].leads == ("P1",)
    assert problem.participant_by_id["P2"].groups == ("WP1", "WP2")
    assert problem.participant_by_id["101"].name == "Dee"

    s1, s2, s3, s4 = problem.sessions
    assert (s1.kind, s1.day, s1.start, s1.room) == (Kind.PLENARY, date(2025, 10, 21), 540, "R1")
    assert s2.features == frozenset({"projector"})
    assert s2.prefer_day == (date(2025, 10, 21), date(2025, 10, 22))
    assert s2.prefer_time == "morning"
    assert (s3.required, s3.attendance) == (("P3", "101"), 5)
    assert s4.kind is Kind.PLENARY  # "Plenary": kind is case-insensitive
    assert problem.unavailability[1].start is None and problem.unavailability[2].date is None
    assert [(d.first, d.second, d.relation, d.gap) for d in problem.dependencies] == [
        ("S1", "S2", Relation.BEFORE, 15),
        ("S2", "S4", Relation.BEFORE, 0),
        ("S3", "S4", Relation.NOT_PARALLEL, 0),
    ]


def test_xlsx_with_real_cells_and_odd_names_equals_the_csv_folder(tmp_path: Path) -> None:
    sheets = excel_cells(valid_sheets())  # real date and time cells, numbers as numbers
    sheets["Sessions"][1]["duration_min"] = 90.0  # a whole number stored as a float
    sheets["Sessions"][0]["comment"] = "an extra column"
    sheets["Notes"] = [{"anything": "at all"}]  # an extra sheet
    xlsx = write_xlsx(
        tmp_path / "input.xlsx",
        sheets,
        sheet_names={"Sessions": " sESSIONS ", "Days": "DAYS", "Event": "event"},
        column_names={"duration_min": " Duration_Min ", "session_id": "SESSION_ID", "key": "Key"},
    )
    assert isinstance(sheets["Participants"][3]["participant_id"], int)  # 101 typed as a number

    from_xlsx = read_problem(xlsx)
    from_csv = read_problem(write_csv_folder(tmp_path / "csv", valid_sheets()))

    assert from_xlsx == from_csv
    assert from_xlsx.participant_by_id["101"].id == "101"


def test_tables_keep_extra_sheets_columns_and_row_numbers(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Sessions"][0]["Comment "] = "keep me"
    sheets["Sessions"].insert(1, {})  # a blank row: skipped, but it keeps its number
    sheets["Notes"] = [{"Anything": "x"}]
    tables = load_tables(write_xlsx(tmp_path / "t.xlsx", sheets, sheet_names={"Sessions": "Sessions "}))

    sessions = tables["Sessions"]
    assert (sessions.name, sessions.source) == ("Sessions", "Sessions ")
    assert "Comment " in sessions.header and "comment" in sessions.columns
    assert [number for number, _ in sessions.rows] == [2, 4, 5, 6]
    assert sessions.rows[0][1]["comment"] == "keep me"
    assert tables["Notes"].rows == ((2, {"anything": "x"}),)


def test_csv_files_match_names_case_insensitively_and_accept_a_bom(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path, valid_sheets(), names={"Sessions": "Sessions.CSV"})
    data = (folder / "rooms.csv").read_bytes()
    (folder / "rooms.csv").write_bytes(b"\xef\xbb\xbf" + data)
    (folder / "readme.txt").write_text("not a table")

    tables = load_tables(folder)
    assert tables["Sessions"].source == "Sessions.CSV"
    assert tables["Rooms"].header[0] == "room_id"  # no BOM in the first column's name
    assert read_problem(folder) == read_problem(write_csv_folder(tmp_path / "plain", valid_sheets()))


def test_case_insensitive_keys_features_kinds_and_relations(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Event"][0]["key"] = " Name "
    sheets["Event"][1]["key"] = "TimeZone"
    sheets["Sessions"][2]["kind"] = "Cross_Package"
    sheets["Dependencies"][2]["relation"] = "NOT_PARALLEL"
    sheets["Rooms"][1]["features"] = " HYBRID ,,Whiteboard, "
    problem = read_problem(write_csv_folder(tmp_path, sheets))

    assert problem.event.name == "Test meeting"
    assert problem.sessions[2].kind is Kind.CROSS_PACKAGE
    assert problem.dependencies[2].relation is Relation.NOT_PARALLEL
    assert problem.rooms[1].features == frozenset({"hybrid", "whiteboard"})


def test_defaults_for_blank_optional_cells_and_missing_optional_sheets(tmp_path: Path) -> None:
    sheets = valid_sheets()
    for sheet in ("Breaks", "Groups", "Unavailability", "Dependencies"):
        del sheets[sheet]
    sheets["Event"] = [r for r in sheets["Event"] if r["key"] in ("name", "timezone")]
    for row in sheets["Participants"]:
        row["groups"] = ""
    sheets["Sessions"] = [{"session_id": "S1", "kind": "other", "duration_min": "30"}]
    problem = read_problem(write_csv_folder(tmp_path, sheets))

    assert problem.event.slot_minutes == 15 and problem.event.weights == ()
    assert problem.groups == problem.breaks == problem.unavailability == problem.dependencies == ()
    session = problem.sessions[0]
    assert (session.title, session.groups, session.attendance, session.day, session.prefer_time) == (
        "S1",
        (),
        None,
        None,
        "",
    )


def test_header_below_blank_rows_keeps_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", excel_cells(valid_sheets()))
    workbook = openpyxl.load_workbook(path)
    workbook["Rooms"].insert_rows(1, amount=2)  # header now on row 3, R1 on row 4
    workbook["Rooms"]["C4"] = 0
    workbook.save(path)

    issues = _issues_reading(path)
    assert find(issues, "Rooms", 4, "capacity").value == "0"


def _issues_reading(path: Path) -> list[InputIssue]:
    with pytest.raises(InputError) as info:
        read_problem(path)
    return info.value.issues


# -- cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "end", "minutes"),
    [
        ("09:30", False, 570),
        (" 9:05 ", False, 545),
        ("09:30:00", False, 570),
        ("24:00", True, 1440),
        (time(9, 30), False, 570),
        (time(10, 9, 59, 999000), False, 610),  # a spreadsheet's rounding
        (datetime(1899, 12, 30, 9, 30), False, 570),
        (datetime(1899, 12, 31, 9, 30), False, 570),
        (datetime(1899, 12, 31, 0, 0), True, 1440),  # one whole day after 1899-12-30
        (datetime(1900, 1, 1, 0, 0), True, 1440),  # how openpyxl reads a 24:00 cell
        (timedelta(hours=24), True, 1440),
        (timedelta(hours=9, minutes=15), False, 555),
    ],
)
def test_times_read_from_text_and_excel_cells(raw: Any, end: bool, minutes: int) -> None:
    assert parse_time(raw, end=end) == minutes


@pytest.mark.parametrize(
    ("raw", "end"),
    [
        ("24:00", False),
        ("24:30", True),
        ("9.30", False),
        ("09:60", False),
        ("09:30:15", False),
        ("nine", False),
        (0.375, False),
        (datetime(2025, 10, 21, 9, 0), False),
        (datetime(1900, 1, 1, 0, 0), False),
        (time(9, 30, 30), False),
    ],
)
def test_bad_times_are_rejected(raw: Any, end: bool) -> None:
    with pytest.raises(CellError):
        parse_time(raw, end=end)


def test_dates_whole_numbers_ids_and_lists() -> None:
    assert parse_date("2025-10-21") == date(2025, 10, 21)
    assert parse_date(datetime(2025, 10, 21)) == date(2025, 10, 21)
    assert parse_date("2025-10-21 00:00:00") == date(2025, 10, 21)
    for bad in ("21/10/2025", "2025-02-30", datetime(2025, 10, 21, 9, 0), 45951, "20251021"):
        with pytest.raises(CellError):
            parse_date(bad)
    assert parse_whole(20.0) == parse_whole("20") == parse_whole(" 20.0 ") == 20
    for bad in (True, 12.5, "12.5", "ten", ""):
        with pytest.raises(CellError):
            parse_whole(bad)
    assert parse_id(101) == parse_id(101.0) == parse_id(" 101 ") == "101"
    with pytest.raises(CellError):
        parse_id(datetime(2025, 1, 2))
    assert parse_list(" WP1 ,WP3,, WP1 ") == ("WP1", "WP3")
    assert parse_list(101) == ("101",)
    assert parse_dates(datetime(2025, 10, 21)) == (date(2025, 10, 21),)
    assert parse_dates("2025-10-21,2025-10-22") == (date(2025, 10, 21), date(2025, 10, 22))


# -- one test per kind of bad input ----------------------------------------------------

Where = tuple[str, int | None, str | None]  # sheet (or CSV file), row, column


def bad(case_id: str, edits: list[Edit], where: Where, expected: str) -> Any:
    """A case: after ``edits`` an issue whose message holds ``expected`` is reported at ``where``."""
    return pytest.param(edits, where, expected, id=case_id)


def bad_cell(sheet: str, row: int, column: str, value: str, expected: str) -> Any:
    """A case: one cell set to ``value`` is reported at that very cell."""
    where = (f"{sheet.lower()}.csv", row, column)
    return bad(f"{sheet}-{column}={value!r}", [put(sheet, row, column, value)], where, expected)


def added(sheet: str, row: int, column: str | None, expected: str, **cells: str) -> Any:
    """A case: a row appended (as row ``row``) is reported there, in ``column``."""
    return bad(f"{sheet}+{cells}", [add(sheet, **cells)], (f"{sheet.lower()}.csv", row, column), expected)


BAD_INPUT = [
    # missing sheets and columns
    *(
        bad(f"no-sheet-{s}", [drop_sheet(s)], (s, None, None), f"required sheet {s} is missing")
        for s in ("Event", "Days", "Rooms", "Participants", "Sessions")
    ),
    *(
        bad(
            f"no-column-{c}",
            [drop_column(s, c)],
            (f"{s.lower()}.csv", None, c),
            f"required column {c} is missing",
        )
        for s, c in [
            ("Event", "value"),
            ("Days", "start"),
            ("Breaks", "end"),
            ("Rooms", "capacity"),
            ("Groups", "group_id"),
            ("Participants", "participant_id"),
            ("Sessions", "duration_min"),
            ("Sessions", "kind"),
            ("Unavailability", "who"),
            ("Dependencies", "relation"),
        ]
    ),
    # dates, times, whole numbers
    bad_cell("Days", 3, "date", "22/10/2025", "YYYY-MM-DD"),
    bad_cell("Days", 3, "date", "2025-02-30", "no such date"),
    bad_cell("Days", 2, "start", "9.00", "HH:MM"),
    bad_cell("Days", 2, "start", "", "a value is required"),
    bad_cell("Breaks", 2, "start", "24:00", "only as an end"),
    bad_cell("Breaks", 2, "end", "25:00", "between 00:00 and 24:00"),
    bad_cell("Rooms", 3, "capacity", "ten", "whole number"),
    bad_cell("Rooms", 3, "capacity", "12.5", "whole number"),
    bad_cell("Rooms", 2, "capacity", "0", "greater than 0"),
    bad_cell("Rooms", 2, "capacity", "", "a value is required"),
    bad_cell("Sessions", 5, "attendance", "0", "greater than 0"),
    # start < end everywhere
    bad_cell("Days", 2, "end", "08:00", "after the start"),
    bad_cell("Days", 2, "end", "00:00", "write 24:00"),
    bad_cell("Breaks", 2, "end", "12:00", "after the start"),
    bad_cell("Unavailability", 2, "end", "08:00", "after the start"),
    # Event
    bad("no-name", [drop_row("Event", 2)], ("event.csv", None, "key"), "key name is missing"),
    bad("no-timezone", [drop_row("Event", 3)], ("event.csv", None, "key"), "key timezone is missing"),
    bad_cell("Event", 2, "value", "", "a value is required"),
    bad_cell("Event", 3, "value", "Mars/Olympus", "IANA time zone"),
    bad_cell("Event", 3, "value", "europe/stockholm", "did you mean 'Europe/Stockholm'"),
    bad_cell("Event", 4, "value", "0", "greater than 0"),
    bad_cell("Event", 4, "value", "15 min", "whole number"),
    bad_cell("Event", 7, "value", "-1", "0 or more"),
    bad_cell("Event", 6, "value", "not an address", "e-mail address such as organiser@example.org"),
    bad_cell("Event", 6, "value", "org@example", "e-mail address"),
    added("Event", 9, "value", "0 or more", key="WEIGHT_idle_gap", value="a lot"),
    added("Event", 9, "key", "already given in row 2", key="NAME", value="Again"),
    added("Event", 9, "key", "no key", key="", value="orphan"),
    # duplicate ids, and one namespace for participants, groups, rooms and sessions
    added(
        "Sessions", 6, "session_id", "already used in row 2", session_id="S1", kind="other", duration_min="30"
    ),
    added("Rooms", 4, "room_id", "already used in row 3", room_id="R2", capacity="5"),
    added("Groups", 4, "group_id", "already used in row 2", group_id="WP1"),
    added("Groups", 4, "group_id", "cannot hold a comma", group_id="WP,9"),
    added("Participants", 6, "participant_id", "already used in row 5", participant_id="101"),
    added(
        "Sessions",
        6,
        "session_id",
        "a group (groups.csv, row 3)",
        session_id="WP2",
        kind="other",
        duration_min="30",
    ),
    added("Participants", 6, "participant_id", "a room (rooms.csv, row 2)", participant_id="R1"),
    added("Days", 4, "date", "already listed in row 2", date="2025-10-21", start="09:00", end="12:00"),
    # unknown references
    bad_cell("Participants", 3, "groups", "WP1, WP9", "no group has this id"),
    bad_cell("Groups", 3, "leads", "P9", "no participant has this id"),
    bad_cell("Sessions", 3, "groups", "WP7", "no group has this id"),
    bad_cell("Sessions", 3, "groups", "P1", "the id of a participant, but a group id is expected"),
    bad_cell("Sessions", 4, "required", "P3, P33", "no participant or group has this id"),
    bad_cell("Sessions", 3, "optional", "p3", "did you mean 'P3'"),
    bad_cell("Sessions", 2, "room", "R9", "no room has this id"),
    bad_cell("Unavailability", 3, "who", "R22", "no participant, group, room or session has this id"),
    bad_cell("Dependencies", 2, "first", "S9", "no session has this id"),
    bad_cell("Dependencies", 3, "second", "R1", "the id of a room"),
    bad_cell("Dependencies", 4, "second", "S3", "cannot depend on itself"),
    # kinds, relations, gaps
    bad_cell("Sessions", 3, "kind", "keynote", "plenary, working_group, cross_package, other"),
    bad_cell("Sessions", 3, "kind", "", "a value is required"),
    bad_cell("Dependencies", 2, "relation", "after", "before, same_day, different_day"),
    bad_cell("Dependencies", 2, "gap_min", "-5", "0 or more"),
    bad_cell("Dependencies", 2, "gap_min", "soon", "whole number"),
    bad(
        "Dependencies-back_to_back-gap-off-grid",
        [put("Dependencies", 2, "relation", "back_to_back"), put("Dependencies", 2, "gap_min", "10")],
        ("dependencies.csv", 2, "gap_min"),
        "off the 15-minute slot grid",
    ),
    # durations
    bad_cell("Sessions", 3, "duration_min", "50", "50 is not a multiple of the 15-minute slot"),
    bad_cell("Sessions", 3, "duration_min", "0", "greater than 0"),
    bad_cell("Sessions", 3, "duration_min", "945", "longer than the longest day (930 minutes"),
    # days, breaks and fixed values
    bad_cell("Breaks", 3, "date", "2025-10-25", "not one of the days"),
    bad_cell("Sessions", 2, "day", "2025-10-25", "not one of the days"),
    bad_cell("Sessions", 2, "start", "09:10", "15-minute grid"),
    bad_cell("Sessions", 2, "start", "08:45", "before the day begins"),
    bad_cell("Sessions", 2, "start", "16:30", "would end at 17:30"),
    bad_cell("Sessions", 3, "start", "23:30", "fits no day"),  # not fixed to a day: fits none
    bad_cell("Sessions", 3, "start", "08:40", "fits no day"),  # on neither day's grid
    bad_cell("Sessions", 3, "start", "10:60", "HH:MM"),
    # Unavailability pairs, preferences
    bad_cell("Unavailability", 2, "end", "", "start is given but end is not"),
    bad_cell("Unavailability", 2, "start", "", "end is given but start is not"),
    bad_cell("Unavailability", 2, "date", "tomorrow", "YYYY-MM-DD"),
    bad_cell("Sessions", 3, "prefer_day", "2025-10-21, someday", "'someday'"),
    bad_cell("Sessions", 3, "prefer_time", "evening", "morning, afternoon"),
]


@pytest.mark.parametrize(("edits", "where", "expected"), BAD_INPUT)
def test_bad_input_is_reported_where_it_is(
    tmp_path: Path, edits: list[Edit], where: Where, expected: str
) -> None:
    issue = find(issues_of(tmp_path, *edits), *where)
    assert expected in issue.message


def test_a_back_to_back_gap_on_the_grid_and_a_before_gap_off_it_are_read(tmp_path: Path) -> None:
    """The closest cases to the off-grid back_to_back gap: a gap of whole slots, and an
    off-grid gap for before (a minimum, which any later start on the grid keeps)."""
    sheets = valid_sheets()
    sheets["Dependencies"][0].update(relation="back_to_back", gap_min="30")
    sheets["Dependencies"][1].update(gap_min="10")
    problem = read_problem(write_csv_folder(tmp_path / "input", sheets))
    assert [(d.relation, d.gap) for d in problem.dependencies][:2] == [
        (Relation.BACK_TO_BACK, 30),
        (Relation.BEFORE, 10),
    ]


def test_a_bad_cell_reports_its_value_and_reads_well(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, put("Sessions", 3, "duration_min", " 50 "))
    assert [str(i) for i in issues] == [
        "sessions.csv, row 3, column duration_min: 50 is not a multiple of the 15-minute slot (found '50')"
    ]


def test_an_unknown_item_of_a_list_is_the_value_reported(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, put("Sessions", 4, "required", "P3, Q1, 101, Q2"))
    assert [(i.row, i.column, i.value) for i in issues] == [(4, "required", "Q1"), (4, "required", "Q2")]


def test_slot_minutes_sets_the_grid_for_durations_and_fixed_starts(tmp_path: Path) -> None:
    issues = issues_of(
        tmp_path,
        put("Event", 4, "value", "10"),
        put("Sessions", 3, "duration_min", "45"),  # a multiple of 15, not of 10
        put("Sessions", 5, "duration_min", "40"),  # a multiple of 10, not of 15
        put("Sessions", 2, "start", "09:10"),  # on the 10-minute grid: fine
    )
    assert [(i.sheet, i.row, i.column) for i in issues] == [("sessions.csv", 3, "duration_min")]
    assert "10-minute slot" in issues[0].message


def test_a_cycle_of_before_and_back_to_back_is_named(tmp_path: Path) -> None:
    issues = issues_of(
        tmp_path,
        add("Dependencies", first="S4", second="S3", relation="back_to_back"),  # S2 → S4 → S3 → S2
        add("Dependencies", first="S3", second="S2", relation="before"),
    )
    issue = find(issues, "dependencies.csv", 3, None)
    assert "S2 → S4 → S3 → S2" in issue.message
    assert "rows 3, 5, 6" in issue.message
    assert len(issues) == 1


def test_relations_that_do_not_order_sessions_make_no_cycle(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Dependencies"].append({"first": "S4", "second": "S2", "relation": "same_day"})
    sheets["Dependencies"].append({"first": "S4", "second": "S3", "relation": "different_day"})
    assert len(read_problem(write_csv_folder(tmp_path, sheets)).dependencies) == 5


def test_separate_cycles_are_each_reported(tmp_path: Path) -> None:
    issues = issues_of(
        tmp_path,
        add("Dependencies", first="S2", second="S1", relation="before"),
        add("Dependencies", first="S3", second="S4", relation="before"),
        add("Dependencies", first="S4", second="S3", relation="back_to_back"),
    )
    cycles = sorted(i.message.split("cycle, ")[1].split(",")[0] for i in issues)
    assert cycles == ["S1 → S2 → S1", "S3 → S4 → S3"]


def test_every_problem_across_sheets_is_reported_at_once_in_sheet_order(tmp_path: Path) -> None:
    issues = issues_of(
        tmp_path,
        put("Dependencies", 2, "relation", "after"),
        put("Event", 3, "value", "Nowhere/City"),
        put("Days", 3, "start", "8"),
        put("Rooms", 2, "capacity", "-1"),
        put("Participants", 2, "groups", "WP5"),
        put("Sessions", 3, "kind", ""),
        put("Sessions", 3, "duration_min", "20"),
        put("Unavailability", 4, "who", "nobody"),
        put("Groups", 3, "leads", "P1, P9"),
    )
    assert [(i.sheet, i.row, i.column) for i in issues] == [
        ("event.csv", 3, "value"),
        ("days.csv", 3, "start"),
        ("rooms.csv", 2, "capacity"),
        ("groups.csv", 3, "leads"),
        ("participants.csv", 2, "groups"),
        ("sessions.csv", 3, "kind"),
        ("sessions.csv", 3, "duration_min"),
        ("unavailability.csv", 4, "who"),
        ("dependencies.csv", 2, "relation"),
    ]


def test_a_missing_id_column_does_not_flood_unknown_references(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, drop_column("Groups", "group_id"), put("Sessions", 3, "room", "R9"))
    # WP1 and WP2 cannot be known without group_id; R9 is known to be unknown.
    assert [(i.sheet, i.row, i.column) for i in issues] == [
        ("groups.csv", None, "group_id"),
        ("sessions.csv", 3, "room"),
    ]


def test_a_broken_row_still_defines_its_id(tmp_path: Path) -> None:
    # S2's kind is wrong, but dependencies on S2 must not be reported as unknown too.
    issues = issues_of(tmp_path, put("Sessions", 3, "kind", "workshop"))
    assert [(i.row, i.column) for i in issues] == [(3, "kind")]


def test_a_missing_required_sheet_does_not_stop_the_others(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, drop_sheet("Event"), put("Rooms", 3, "capacity", "x"))
    assert [(i.sheet, i.column) for i in issues] == [("Event", None), ("rooms.csv", "capacity")]
    assert "event.csv" in issues[0].message


def test_empty_days_and_rooms_are_reported(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, lambda s: s["Days"].clear(), lambda s: s["Rooms"].clear())
    assert any(i.sheet == "days.csv" and "no days" in i.message for i in issues)
    assert any(i.sheet == "rooms.csv" and "no rooms" in i.message for i in issues)


def test_sheet_without_header_duplicate_column_and_overflowing_row(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path, valid_sheets())
    (folder / "breaks.csv").write_text("")
    (folder / "rooms.csv").write_text("room_id,capacity,Capacity\nR1,10,10\nR2,12,12\n")
    (folder / "groups.csv").write_text("group_id,name,leads\nWP1,Work, package 1,P1\nWP2,,\n")
    issues = _issues_reading(folder)

    assert "empty" in find(issues, "breaks.csv", None, None).message
    assert "more than once" in find(issues, "rooms.csv", None, "capacity").message
    assert "comma inside a cell" in find(issues, "groups.csv", 2, None).message


def test_semicolon_separated_csv_gets_a_hint(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path, valid_sheets())
    (folder / "rooms.csv").write_text("room_id;name;capacity\nR1;Aula;100\nR2;Room 2;12\n")
    assert "save the file with commas" in find(_issues_reading(folder), "rooms.csv", None, "room_id").message


# -- files that are not input -----------------------------------------------------------


def test_not_a_workbook(tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("just some text")
    broken = tmp_path / "broken.xlsx"
    good = write_xlsx(tmp_path / "good.xlsx", valid_sheets()).read_bytes()
    broken.write_bytes(good[: len(good) // 2])
    other_zip = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("hello.txt", "not a workbook")

    for path in (text, broken, other_zip):
        issue = _issues_reading(path)[0]
        assert (issue.sheet, issue.row) == (str(path), None)
        assert "not an Excel workbook" in issue.message


def test_missing_path_empty_folder_single_csv_and_non_utf8(tmp_path: Path) -> None:
    assert "no such file" in _issues_reading(tmp_path / "nowhere.xlsx")[0].message
    (tmp_path / "empty").mkdir()
    assert "no CSV files" in _issues_reading(tmp_path / "empty")[0].message
    folder = write_csv_folder(tmp_path / "csv", valid_sheets())
    assert "give the folder" in _issues_reading(folder / "sessions.csv")[0].message
    (folder / "rooms.csv").write_bytes("room_id,name,capacity\nR1,Salle \xe9t\xe9,10\n".encode("latin-1"))
    issue = _issues_reading(folder)[0]
    assert (issue.sheet, "UTF-8" in issue.message) == ("rooms.csv", True)


def test_two_files_for_one_sheet_are_ambiguous(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path, valid_sheets())
    (folder / "Sessions.csv").write_text("session_id,kind,duration_min\n")
    if len(list(folder.glob("*essions.csv"))) < 2:
        pytest.skip("the file system does not tell names apart by case")
    assert "both the sheet Sessions" in _issues_reading(folder)[0].message


def test_build_problem_takes_tables_made_in_memory() -> None:
    tables = {
        "Event": Table("Event", "Event", ("key", "value"), ((2, {"key": "name", "value": "M"}),)),
    }
    with pytest.raises(InputError) as info:
        build_problem(tables)
    messages = [str(i) for i in info.value.issues]
    assert (
        messages[0]
        == "Event, column key: the key timezone is missing: give its IANA time zone in a row of its own"
    )
    assert {i.sheet for i in info.value.issues} >= {"Days", "Rooms", "Participants", "Sessions"}


def test_a_wrong_used_range_in_the_workbook_loses_no_cells(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", excel_cells(valid_sheets()))
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    for name, data in parts.items():  # as some tools write it: the used range is A1 only
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:A1"/>', data)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)

    assert read_problem(path) == read_problem(write_csv_folder(tmp_path / "csv", valid_sheets()))


def test_hints_name_a_slip_of_case_always_and_a_close_spelling_within_budget() -> None:
    hints = _Hints(["WP1", "WP2", "Leadership"], budget=1)
    assert hints("Leadershop") == "; did you mean 'Leadership'?"
    assert hints("Leadersip") == ""  # over budget: no search through every id
    assert hints("wp2") == "; did you mean 'WP2'?"
    assert hints("Leadershop") == "; did you mean 'Leadership'?"  # asked before: remembered


def test_max_in_a_row_is_read_from_the_event_sheet(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Event"].append({"key": "max_in_a_row", "value": "2"})
    assert read_problem(write_csv_folder(tmp_path / "ok", sheets)).event.max_in_a_row == 2
    issues = issues_of(tmp_path / "bad", add("Event", key="max_in_a_row", value="0"))
    assert [(i.sheet, i.column) for i in issues] == [("event.csv", "value")]
