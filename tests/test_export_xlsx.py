"""schedule.xlsx: the schedule, a grid per day, agendas, room use, quality, and the
input sheets; read back as input it is the same problem, and its schedule can be the
next --previous; user text is never a formula; LibreOffice prints it."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from planner.checker import check
from planner.examples import heroes_halmstad_generated
from planner.export.common import KIND_COLOUR, KIND_LABEL
from planner.export.xlsx import AGENDA_COLUMNS, ROOM_USE_COLUMNS, grid_sheet_name, schedule_workbook_bytes
from planner.generator import generate
from planner.model import Assignment, Break, Problem, Schedule, hhmm
from planner.reader import read_problem
from planner.schedule_io import SCHEDULE_COLUMNS, read_schedule, schedule_rows

INPUT_SHEETS = ["Event", "Days", "Breaks", "Rooms", "Groups", "Participants", "Sessions (input)"]
INPUT_SHEETS += ["Unavailability", "Dependencies"]


@pytest.fixture(scope="module")
def heroes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Problem, Schedule, Path]:
    g = heroes_halmstad_generated()
    path = tmp_path_factory.mktemp("xlsx") / "schedule.xlsx"
    path.write_bytes(schedule_workbook_bytes(g.problem, g.planted))
    return g.problem, g.planted, path


@pytest.fixture(scope="module")
def book(heroes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(heroes[2])


def _shown(value: object) -> str:
    """A cell as schedule.csv writes it (openpyxl reads a date cell as a datetime)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


def test_sheets_and_their_order(heroes, book) -> None:
    problem = heroes[0]
    grids = [grid_sheet_name(d.date) for d in problem.days]
    assert grids == ["Tue 2025-10-21", "Wed 2025-10-22", "Thu 2025-10-23"]
    assert book.sheetnames == [
        "Sessions",
        *grids,
        "Agendas",
        "Room use",
        "Quality",
        "Calendar",
        *INPUT_SHEETS,
    ]


def test_sessions_sheet_is_the_schedule_in_time_order(heroes, book) -> None:
    problem, schedule, path = heroes
    rows = list(book["Sessions"].iter_rows(values_only=True))
    assert list(rows[0]) == list(SCHEDULE_COLUMNS)
    assert [[_shown(v) for v in row] for row in rows[1:]] == [
        [r[c] for c in SCHEDULE_COLUMNS] for r in schedule_rows(problem, schedule)
    ]
    keys = [(r[3], r[4]) for r in rows[1:]]
    assert keys == sorted(keys)
    assert set(read_schedule(path).assignments) == set(schedule.assignments)  # serves as --previous


def test_reading_the_workbook_back_gives_the_same_problem(heroes, tmp_path) -> None:
    problem, _, path = heroes
    assert read_problem(path) == problem
    for seed in (1, 2, 3):  # the generator's rarer features: fixed values, relations, weights, ...
        g = generate("small", seed)
        other = tmp_path / f"small-{seed}.xlsx"
        other.write_bytes(schedule_workbook_bytes(g.problem, g.planted))
        assert read_problem(other) == g.problem
        assert set(read_schedule(other).assignments) == set(g.planted.assignments)


def test_each_days_grid_shows_every_session_once_in_its_room_and_rows(heroes, book) -> None:
    problem, schedule, _ = heroes
    slot = problem.event.slot_minutes
    column = {r.id: 2 + i for i, r in enumerate(problem.rooms)}
    for day in problem.days:
        ws = book[grid_sheet_name(day.date)]
        assert ws.freeze_panes == "B3"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        for r in problem.rooms:
            assert ws.cell(1, column[r.id]).value == r.name
            assert ws.cell(2, column[r.id]).value == f"{r.capacity} seats"
        rows = (day.end - day.start) // slot
        assert [ws.cell(3 + k, 1).value for k in range(rows)] == [
            hhmm(day.start + k * slot) for k in range(rows)
        ]
        merged = {(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges}
        on_day = [a for a in schedule.assignments if a.date == day.date]
        for a in on_day:
            s = problem.session_by_id[a.session_id]
            c, top = column[a.room_id], 3 + (a.start - day.start) // slot
            bottom = top + s.duration // slot - 1
            cell = ws.cell(top, c)
            assert cell.value.startswith(s.title + "\n"), (day.date, s.id)
            assert f"{KIND_LABEL[s.kind]} · {problem.attendance(s.id)} people" in cell.value
            assert cell.fill.fgColor.rgb.endswith(KIND_COLOUR[s.kind])
            if bottom > top:
                assert (top, c, bottom, c) in merged, s.id
            else:
                assert not any(m[0] <= top <= m[2] and m[1] <= c <= m[3] for m in merged)
        # Every session exactly once: the blocks in the room columns are the day's sessions.
        blocks = [
            ws.cell(r, c).value.rsplit(" · ", 1)[1]
            for r in range(3, 3 + rows)
            for c in column.values()
            if isinstance(ws.cell(r, c).value, str) and "\n" in ws.cell(r, c).value
        ]
        assert sorted(blocks) == sorted(a.session_id for a in on_day)
        # Breaks: shaded across every room (a merged band shows its top-left cell's fill), labelled once.
        for b in problem.breaks_on(day.date):
            if b.start < day.start or b.end > day.end:
                continue  # outside the day's window (Thursday's afternoon coffee): no rows for it
            top = 3 + (b.start - day.start) // slot
            assert ws.cell(top, 2).value == f"{b.label} {hhmm(b.start)}-{hhmm(b.end)}"
            for r in range(top, top + (b.end - b.start) // slot):
                for c in [1, *column.values()]:
                    anchor = next(
                        ((m[0], m[1]) for m in merged if m[0] <= r <= m[2] and m[1] <= c <= m[3]), (r, c)
                    )
                    assert ws.cell(*anchor).fill.fgColor.rgb.endswith("D9D9D9"), (b, r, c)


def test_agendas_list_every_persons_sessions_in_time_order(heroes, book) -> None:
    problem, schedule, _ = heroes
    ws = book["Agendas"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == list(AGENDA_COLUMNS)
    assert ws.auto_filter.ref == f"A1:N{len(rows)}"
    col = {name: i for i, name in enumerate(AGENDA_COLUMNS)}
    seen: dict[str, list[tuple]] = {}
    for row in rows[1:]:
        seen.setdefault(row[col["participant_id"]], []).append(row)
    assert list(seen) == [p.id for p in problem.participants]
    for p in problem.participants:
        mine = seen[p.id]
        assert {r[col["institution"]] for r in mine} == {p.institution}
        got = [(r[col["session_id"]], r[col["attendance"]], r[col["room_id"]]) for r in mine]
        expected = sorted(
            (
                (
                    a.date,
                    a.start,
                    a.room_id,
                    a.session_id,
                    "required" if p.id in problem.required_people[a.session_id] else "optional",
                )
                for a in schedule.assignments
                if p.id in problem.required_people[a.session_id] | problem.optional_people[a.session_id]
            ),
        )
        assert got == [(sid, how, room) for _, _, room, sid, how in expected]
        times = [(r[col["date"]], r[col["start"]]) for r in mine]
        assert times == sorted(times)


def test_room_use_per_room_and_day(heroes, book) -> None:
    problem, schedule, _ = heroes
    rows = list(book["Room use"].iter_rows(values_only=True))
    assert list(rows[0]) == list(ROOM_USE_COLUMNS)
    assert len(rows) - 1 == len(problem.rooms) * len(problem.days)
    col = {name: i for i, name in enumerate(ROOM_USE_COLUMNS)}
    total = sum(problem.session_by_id[a.session_id].duration for a in schedule.assignments) / 60
    assert sum(r[col["hours_booked"]] for r in rows[1:]) == pytest.approx(total, abs=0.05)
    for r in rows[1:]:
        assert 0 <= (r[col["share_of_day"]] or 0) <= 1
        assert (r[col["seats_used_share"]] or 0) <= 1  # no room holds more than it seats
        assert (r[col["largest_session"]] or 0) <= r[col["capacity"]]


def test_quality_has_every_soft_figure_and_clash(heroes, book) -> None:
    problem, schedule, _ = heroes
    report = check(problem, schedule)
    rows = list(book["Quality"].iter_rows(values_only=True))
    figures = {r[0]: r[1] for r in rows if r[0] in report.soft}
    assert figures == report.soft
    start = next(i for i, r in enumerate(rows) if r[0] == "participant_id")
    end = next(i for i in range(start + 1, len(rows) + 1) if i == len(rows) or not rows[i][0])
    clash_rows = rows[start + 1 : end]
    assert len(clash_rows) == len(report.clashes) > 0
    for row, clash in zip(clash_rows, report.clashes, strict=True):
        assert row[0] == clash.person and row[3] == clash.date.isoformat() or row[3].date() == clash.date
        assert row[7] == clash.sessions[0]
        assert problem.participant_by_id[clash.person].name in row[11]


def test_quality_lists_who_is_behind_each_other_figure(heroes, book) -> None:
    from planner.checker import soft_details

    problem, schedule, _ = heroes
    details = soft_details(problem, schedule)
    rows = list(book["Quality"].iter_rows(values_only=True))
    titles = {r[0]: i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith("Behind ")}
    for goal in ("single_day", "late_finish", "room_fit"):
        assert details[goal], goal  # the example has some of each
        at = titles[f"Behind {goal} ({len(details[goal])})"]
        assert rows[at + 1][: len(details[goal][0])] == tuple(details[goal][0])  # the header
        first = details[goal][0]
        shown = rows[at + 2][: len(first)]
        assert shown[0] == next(iter(first.values()))


INJECTIONS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "=1+1"]


def _hostile(problem: Problem) -> Problem:
    """Formula-like text wherever users type text."""
    people = [
        dataclasses.replace(p, name=INJECTIONS[i % 5], institution=INJECTIONS[(i + 1) % 5], role="@r")
        for i, p in enumerate(problem.participants)
    ]
    sessions = [
        dataclasses.replace(s, title=INJECTIONS[i % 5] + f" {i}") for i, s in enumerate(problem.sessions)
    ]
    rooms = [dataclasses.replace(r, name=f"=R{i}", building="-b") for i, r in enumerate(problem.rooms)]
    groups = [dataclasses.replace(g, name="+" + g.name) for g in problem.groups]
    breaks = [dataclasses.replace(b, label="=label") for b in problem.breaks] or [Break(None, 0, 15, "=x")]
    event = dataclasses.replace(problem.event, name='=HYPERLINK("http://x","y")', venue="@venue")
    return dataclasses.replace(
        problem,
        event=event,
        participants=tuple(people),
        sessions=tuple(sessions),
        rooms=tuple(rooms),
        groups=tuple(groups),
        breaks=tuple(breaks) if problem.breaks else problem.breaks,
    )


def test_formula_like_user_text_is_text(tmp_path) -> None:
    g = generate("small", 3)
    hostile = _hostile(g.problem)
    path = tmp_path / "schedule.xlsx"
    path.write_bytes(schedule_workbook_bytes(hostile, g.planted))
    wb = openpyxl.load_workbook(path)
    found = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    found += 1
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
    assert found > 100
    with zipfile.ZipFile(path) as z:  # no formula anywhere in the file
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", z.read(name)), name
    assert read_problem(path) == hostile  # and the text is kept exactly


def test_equal_input_gives_equal_bytes(heroes) -> None:
    problem, schedule, path = heroes
    assert schedule_workbook_bytes(problem, schedule) == path.read_bytes()


def test_a_schedule_that_breaks_rules_still_gives_a_readable_workbook(tmp_path) -> None:
    g = generate("tiny", 1)
    first, second = g.planted.assignments[:2]
    day = g.problem.days[0]
    clashing = Schedule(
        (
            first,
            dataclasses.replace(second, room_id=first.room_id, start=first.start, date=first.date),
            Assignment(g.planted.assignments[2].session_id, day.date, day.end + 60, first.room_id),
        )
    )
    path = tmp_path / "bad.xlsx"
    path.write_bytes(schedule_workbook_bytes(g.problem, clashing))
    ws = openpyxl.load_workbook(path)[grid_sheet_name(day.date)]
    ranges = list(ws.merged_cells.ranges)
    for i, a in enumerate(ranges):  # no two merged blocks overlap
        for b in ranges[i + 1 :]:
            assert not (
                a.min_row <= b.max_row
                and b.min_row <= a.max_row
                and a.min_col <= b.max_col
                and b.min_col <= a.max_col
            )
    assert "!! also" in "".join(str(c.value) for row in ws.iter_rows() for c in row)
    quality = [r[0] for r in openpyxl.load_workbook(path)["Quality"].iter_rows(values_only=True)]
    assert "room_no_overlap" in quality


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_workbook_to_pdf(heroes, tmp_path) -> None:
    _, _, path = heroes
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "schedule.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):  # poppler-utils: look inside too
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        for day in ("Tuesday 21 October 2025", "Wednesday 22 October 2025", "Thursday 23 October 2025"):
            assert day in text  # each grid's page header
        assert "Opening plenary: welcome to" in text
