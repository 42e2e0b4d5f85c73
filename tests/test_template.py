"""The blank template (``planner template``): read back as it is, it is a valid meeting that
solves; every column has a note, its lists and number checks reach rows the organiser adds,
dates and times are real cells, and nothing in it is a formula."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.checker import check
from planner.model import DEFAULT_MAX_IN_A_ROW, DEFAULT_WEIGHTS, Kind, Problem, Relation
from planner.reader import read_problem
from planner.solver import Options, solve
from planner.template import LAST_ROW, NOTES, template_bytes, template_workbook, write_template
from planner.validation import MAX_WHOLE
from planner.validation import SHEETS as CONTRACT
from planner.workbook_writer import SHEETS


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "meeting.xlsx")


@pytest.fixture(scope="module")
def wb(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def problem(path: Path) -> Problem:
    return read_problem(path)


def _column(ws: Worksheet, name: str) -> str:
    """The letter of the column headed ``name``."""
    header = [c.value for c in ws[1]]
    return openpyxl.utils.get_column_letter(header.index(name) + 1)


def _validations(ws: Worksheet, kind: str) -> dict[str, DataValidation]:
    """The validations of type ``kind`` by the range they cover."""
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation if dv.type == kind}


def test_the_template_reads_back_as_a_valid_meeting_with_one_example_per_sheet(problem: Problem) -> None:
    assert problem.event.name and problem.event.timezone == "Europe/Stockholm"
    assert problem.event.slot_minutes == 15
    for items in (
        problem.days,
        problem.breaks,
        problem.rooms,
        problem.groups,
        problem.participants,
        problem.unavailability,
        problem.dependencies,
    ):
        assert len(items) == 1
    # Two sessions: a dependency needs two, and they show a plenary and a working group.
    assert [s.kind for s in problem.sessions] == [Kind.PLENARY, Kind.WORKING_GROUP]


def test_the_untouched_template_solves_and_the_checker_accepts_the_schedule(problem: Problem) -> None:
    result = solve(problem, Options(time_limit=5, workers=1))
    assert result.status.has_schedule and result.schedule is not None
    report = check(problem, result.schedule)
    assert report.ok, report.violations
    assert len(result.schedule.assignments) == len(problem.sessions)


def test_every_sheet_of_the_spec_is_there_with_its_columns_in_order(wb: openpyxl.Workbook) -> None:
    assert wb.sheetnames == list(SHEETS)
    for name, header in SHEETS.items():
        assert [c.value for c in wb[name][1]] == header
        assert wb[name].freeze_panes == "A2"


def test_every_header_has_a_note_that_says_whether_the_column_is_required(wb: openpyxl.Workbook) -> None:
    for name in SHEETS:
        required = CONTRACT[name][0]
        for cell in wb[name][1]:
            assert cell.comment is not None, f"{name}.{cell.value} has no note"
            first = cell.comment.text.split(".")[0]
            assert first.startswith("Required" if cell.value in required else "Optional"), (name, cell.value)
    assert set(NOTES) == set(SHEETS) and all(set(NOTES[n]) == set(SHEETS[n]) for n in SHEETS)


def test_every_event_key_of_the_example_has_its_own_note(wb: openpyxl.Workbook) -> None:
    ws = wb["Event"]
    for row in range(2, ws.max_row + 1):
        assert ws.cell(row=row, column=1).comment is not None


@pytest.mark.parametrize(
    ("sheet", "column", "values"),
    [
        ("Sessions", "kind", [k.value for k in Kind]),
        ("Sessions", "prefer_time", ["morning", "afternoon"]),
        ("Dependencies", "relation", [r.value for r in Relation]),
    ],
)
def test_drop_downs_cover_the_column_well_below_the_example(
    wb: openpyxl.Workbook, sheet: str, column: str, values: list[str]
) -> None:
    letter = _column(wb[sheet], column)
    lists = _validations(wb[sheet], "list")
    dv = lists[f"{letter}2:{letter}{LAST_ROW}"]
    assert dv.formula1 == '"' + ",".join(values) + '"'
    assert dv.allow_blank  # rows not filled in yet are fine
    assert LAST_ROW >= 1000


def test_only_the_columns_of_fixed_values_have_drop_downs(wb: openpyxl.Workbook) -> None:
    found = {
        (name, str(dv.sqref).split(":")[0].rstrip("0123456789"))
        for name in SHEETS
        for dv in wb[name].data_validations.dataValidation
        if dv.type == "list"
    }
    assert found == {
        ("Sessions", _column(wb["Sessions"], "kind")),
        ("Sessions", _column(wb["Sessions"], "prefer_time")),
        ("Dependencies", _column(wb["Dependencies"], "relation")),
        ("Event", "A"),  # the known keys, as a suggestion
    }


def test_the_event_key_list_suggests_but_allows_any_key(wb: openpyxl.Workbook) -> None:
    (dv,) = _validations(wb["Event"], "list").values()
    assert "timezone" in dv.formula1 and "slot_minutes" in dv.formula1
    assert not dv.showErrorMessage  # weight_<anything> is a valid key


@pytest.mark.parametrize(
    ("sheet", "column", "least"),
    [
        ("Rooms", "capacity", 1),
        ("Sessions", "duration_min", 1),
        ("Sessions", "attendance", 1),
        ("Dependencies", "gap_min", 0),
    ],
)
def test_whole_number_columns_accept_what_the_reader_accepts(
    wb: openpyxl.Workbook, sheet: str, column: str, least: int
) -> None:
    letter = _column(wb[sheet], column)
    dv = _validations(wb[sheet], "whole")[f"{letter}2:{letter}{LAST_ROW}"]
    assert (dv.operator, dv.formula1, dv.formula2) == ("between", str(least), str(MAX_WHOLE))
    assert dv.allow_blank and dv.showErrorMessage


def test_slot_minutes_and_the_weights_are_checked_as_whole_numbers(wb: openpyxl.Workbook) -> None:
    ws = wb["Event"]
    checked = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "whole"}
    keys = {ws.cell(row=r, column=1).value: f"B{r}" for r in range(2, ws.max_row + 1)}
    assert checked[keys["slot_minutes"]] == "1"
    weights = [k for k in keys if k.startswith("weight_")]
    assert weights and all(checked[keys[k]] == "0" for k in weights)
    assert keys["name"] not in checked and keys["timezone"] not in checked


def test_dates_and_times_are_real_cells_and_their_columns_are_formatted(wb: openpyxl.Workbook) -> None:
    days = wb["Days"]
    assert isinstance(days["A2"].value, datetime) and days["A2"].value.date() == date(2026, 3, 10)
    assert days["B2"].value == time(9, 0) and days["C2"].value == time(17, 0)
    sessions = wb["Sessions"]
    fixed = {c: sessions[f"{_column(sessions, c)}2"].value for c in ("day", "start")}
    assert isinstance(fixed["day"], datetime) and fixed["start"] == time(9, 0)
    unavailable = wb["Unavailability"]
    assert isinstance(unavailable["B2"].value, datetime)
    assert (unavailable["C2"].value, unavailable["D2"].value) == (time(16, 0), time(17, 0))
    # New cells typed into these columns take the column's format.
    formats = {
        ("Days", "date"): "yyyy-mm-dd",
        ("Days", "start"): "hh:mm",
        ("Breaks", "date"): "yyyy-mm-dd",
        ("Breaks", "end"): "hh:mm",
        ("Sessions", "day"): "yyyy-mm-dd",
        ("Sessions", "start"): "hh:mm",
        ("Unavailability", "date"): "yyyy-mm-dd",
        ("Unavailability", "end"): "hh:mm",
    }
    for (sheet, column), number_format in formats.items():
        letter = _column(wb[sheet], column)
        assert wb[sheet].column_dimensions[letter].number_format == number_format, (sheet, column)


def test_nothing_in_the_template_is_a_formula(wb: openpyxl.Workbook) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                assert not (isinstance(cell.value, str) and cell.value.startswith("=")), cell.coordinate


def test_the_bytes_are_the_same_every_time_and_are_the_written_file(path: Path) -> None:
    assert template_bytes() == template_bytes() == path.read_bytes()


def test_the_workbook_object_is_the_one_written() -> None:
    wb = template_workbook()
    assert wb.sheetnames == list(SHEETS)
    assert wb["Sessions"]["C1"].comment is not None


# -- the docs' worked example, typed into the template --------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs" / "workbook.md"


def _docs_example() -> dict[str, list[list[str]]]:
    """The tables of the docs' step-by-step example: sheet name -> header and rows, as text."""
    text = DOCS.read_text(encoding="utf-8").split("## Step by step", 1)[1]
    tables: dict[str, list[list[str]]] = {}
    for found in re.finditer(r"^\s*\*\*(\w+)\*\*\s*\n\s*\n((?:\s*\|.*\n)+)", text, re.MULTILINE):
        lines = [line.strip() for line in found.group(2).strip().splitlines()]
        rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
        tables[found.group(1)] = [rows[0], *rows[2:]]  # without the --- line
    return tables


def _typed(text: str) -> object:
    """A cell as a spreadsheet makes it of what the organiser types."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    if re.fullmatch(r"\d{2}:\d{2}", text):
        return time.fromisoformat(text)
    return text or None


def test_the_docs_example_typed_into_the_template_is_valid_and_solves(tmp_path: Path) -> None:
    tables = _docs_example()
    assert set(tables) == set(SHEETS)  # every sheet is shown
    wb = template_workbook()
    for name, (header, *rows) in tables.items():
        ws = wb[name]
        assert header == SHEETS[name]
        ws.delete_rows(2, ws.max_row)  # the template's examples
        for r, row in enumerate(rows, start=2):
            for c, text in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=_typed(text))
    wb.save(tmp_path / "spring.xlsx")
    problem = read_problem(tmp_path / "spring.xlsx")
    assert len(problem.sessions) == len(tables["Sessions"]) - 1
    result = solve(problem, Options(time_limit=5, workers=1))
    assert result.status.has_schedule and result.schedule is not None
    assert check(problem, result.schedule).ok


def test_the_docs_state_the_defaults_the_planner_uses() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    stated = dict(re.findall(r"^\| `(\w+)` \|.*\| no, (\d+) \|$", docs, re.MULTILINE))
    assert stated.pop("slot_minutes") == "15"
    assert int(stated.pop("max_in_a_row")) == DEFAULT_MAX_IN_A_ROW
    assert {k.removeprefix("weight_"): int(v) for k, v in stated.items()} == DEFAULT_WEIGHTS


def test_planner_template_command_writes_a_valid_workbook(tmp_path: Path) -> None:
    from planner.cli import main

    path = tmp_path / "blank.xlsx"
    assert main(["template", str(path)]) == 0
    assert read_problem(path).sessions  # reads back as valid input


def test_planner_template_refuses_a_non_xlsx_name(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from planner.cli import main

    assert main(["template", str(tmp_path / "blank.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert not (tmp_path / "blank.csv").exists()
