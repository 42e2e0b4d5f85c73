"""``schedule.xlsx``: the planner's workbook, to print, share, edit and read back.

Sheets, in order:

- ``Sessions``: the schedule, one row per session in time order (the columns of
  ``schedule.csv``, workbook.md), so the file can serve as ``--previous``;
- one grid per day (``Tue 2025-10-21``): rooms as columns, one row per slot,
  each session a merged block coloured by kind, breaks shaded across the rooms;
  header and time column frozen; prints landscape, one page wide;
- ``Agendas``: every participant's sessions in time order (filterable);
- ``Room use``: per room and day, hours booked, share of the open hours, seats
  used against seats offered (the input's ``Rooms`` sheet keeps its name, below);
- ``Quality``: the soft figures, every optional attendee's clash, any broken rule;
- ``Calendar``: the UID, SEQUENCE and status each session has in the calendars
  (read back by ``--previous`` to keep counting);
- the input sheets as read (Event, Days, ..., with the input's Sessions sheet as
  ``Sessions (input)``), so that :func:`planner.reader.read_problem` reads this
  file as the same problem.

User text is always a text cell: ``=HYPERLINK(...)``, ``+1``, ``-x`` or ``@x`` is
never a formula. Times are naive local times of the event's zone (openpyxl
refuses aware ones).
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from planner.checker import CheckReport, check, describe_clash, soft_details
from planner.export.common import KIND_COLOUR, KIND_LABEL, agendas, room_label, time_order
from planner.export.sync import CALENDAR_COLUMNS, CALENDAR_SHEET, Entry, Previous, calendar_plan
from planner.model import Assignment, Kind, Problem, Schedule, hhmm
from planner.reader import INPUT_SESSIONS_SHEET
from planner.rules import SoftGoal
from planner.schedule_io import SCHEDULE_COLUMNS, schedule_rows
from planner.workbook_writer import DEFAULT_STAMP, _reproducible, build_workbook

AGENDA_COLUMNS = (
    "participant_id",
    "name",
    "institution",
    "role",
    "groups",
    "date",
    "start",
    "end",
    "session_id",
    "title",
    "kind",
    "attendance",
    "room_id",
    "room",
)
ROOM_USE_COLUMNS = (
    "room_id",
    "room",
    "capacity",
    "date",
    "sessions",
    "hours_booked",
    "open_hours",
    "share_of_day",
    "seat_hours_used",
    "seat_hours_offered",
    "seats_used_share",
    "largest_session",
)
CLASH_COLUMNS = (
    "participant_id",
    "name",
    "institution",
    "date",
    "start",
    "end",
    "reason",
    "session_id",
    "title",
    "other_session_id",
    "other_title",
    "clash",
)

_FORMULA_START = ("=", "+", "-", "@")
_BOLD = Font(bold=True)
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BREAK_FILL = PatternFill("solid", fgColor="D9D9D9")
_AWAY_FILL = PatternFill("lightUp", fgColor="BFBFBF")
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)

Value = str | int | float | date | time | None


# -- cells -----------------------------------------------------------------------------


def _put(ws: Worksheet, row: int, column: int, value: Value, *, bold: bool = False, fmt: str = "") -> Any:
    """Write one cell; a string is always text, never a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # user text is data: openpyxl would take "=..." for a formula
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True  # and Excel or LibreOffice, once the cell is edited
    elif isinstance(value, datetime):
        cell.number_format = fmt or "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = fmt or "yyyy-mm-dd"
    elif isinstance(value, time):
        cell.number_format = fmt or "hh:mm"
    elif fmt:
        cell.number_format = fmt
    if bold:
        cell.font = _BOLD
    return cell


def _clock(minute: int) -> time | str:
    """A time of day as a time cell; 24:00 (the end of a day) has none and stays text."""
    return time(minute // 60, minute % 60) if minute < 24 * 60 else hhmm(minute)


def _table(
    ws: Worksheet, header: tuple[str, ...] | list[str], rows: list[list[Value]], *, top: int = 1
) -> int:
    """A header row and data rows from row ``top``, with an autofilter; returns the next free row."""
    for c, name in enumerate(header, start=1):
        cell = _put(ws, top, c, name, bold=True)
        cell.fill = _HEADER_FILL  # type: ignore[attr-defined]
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                fmt = "0%" if header[c - 1].endswith("share") or header[c - 1] == "share_of_day" else ""
                _put(ws, r, c, value, fmt=fmt)
    last = top + len(rows)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(header))}{max(last, top)}"
    _widths(ws, header, rows)
    return last + 1


def _widths(ws: Worksheet, header: tuple[str, ...] | list[str], rows: list[list[Value]]) -> None:
    for c, name in enumerate(header, start=1):
        width = len(name)
        for row in rows:
            v = row[c - 1] if c - 1 < len(row) else None
            shown = 10 if isinstance(v, date) else 5 if isinstance(v, time) else len(str(v or ""))
            width = max(width, min(shown, 50))
        current = ws.column_dimensions[get_column_letter(c)].width or 0
        ws.column_dimensions[get_column_letter(c)].width = max(current, width + 2)


# -- Sessions ----------------------------------------------------------------------------


def _sessions_sheet(ws: Worksheet, problem: Problem, schedule: Schedule) -> None:
    rows: list[list[Value]] = []
    for row in schedule_rows(problem, schedule):
        values: list[Value] = []
        for column in SCHEDULE_COLUMNS:
            text = row[column]
            if column == "date":
                values.append(date.fromisoformat(text))
            elif column in ("start", "end") and text:
                h, m = (int(x) for x in text.split(":"))
                values.append(_clock(h * 60 + m))
            elif column == "attendance" and text:
                values.append(int(text))
            else:
                values.append(text)
        rows.append(values)
    _table(ws, SCHEDULE_COLUMNS, rows)
    ws.freeze_panes = "B2"


# -- grids --------------------------------------------------------------------------------


def grid_sheet_name(day: date) -> str:
    """The name of a day's grid sheet, e.g. ``Tue 2025-10-21``."""
    return f"{day:%a} {day.isoformat()}"


#: Grid layout: two header rows (room names, then capacities), the time in column A.
GRID_HEADER_ROWS = 2
GRID_FIRST_ROOM_COLUMN = 2


def grid_window(problem: Problem, schedule: Schedule, day: date) -> tuple[int, int]:
    """The minutes [first, end) a day's grid covers: the day's window, widened to hold
    any session scheduled outside it; the rows are slot_minutes apart from ``first``."""
    slot = problem.event.slot_minutes
    d = problem.day_by_date.get(day)
    first, end = (d.start, d.end) if d is not None else (None, None)
    for a in schedule.assignments:
        s = problem.session_by_id.get(a.session_id)
        if a.date != day or s is None:
            continue
        first = a.start if first is None else min(first, a.start)
        end = a.start + s.duration if end is None else max(end, a.start + s.duration)
    assert first is not None and end is not None
    if d is not None and first < d.start:
        first = d.start - -(-(d.start - first) // slot) * slot  # keep the rows on the day's grid
    return first, end


def grid_row(problem: Problem, first: int, minute: int) -> int:
    """The sheet row of the slot that holds ``minute``."""
    return GRID_HEADER_ROWS + 1 + (minute - first) // problem.event.slot_minutes


def _grid_sheet(ws: Worksheet, problem: Problem, schedule: Schedule, day: date) -> None:
    slot = problem.event.slot_minutes
    first, end = grid_window(problem, schedule, day)
    n_slots = -(-(end - first) // slot)
    rooms = list(problem.rooms)
    column = {r.id: GRID_FIRST_ROOM_COLUMN + i for i, r in enumerate(rooms)}
    last_column = GRID_FIRST_ROOM_COLUMN + len(rooms) - 1
    last_row = GRID_HEADER_ROWS + n_slots

    # Header: the date, then each room's name and capacity.
    title = _put(ws, 1, 1, f"{day:%a} {day:%d %b}", bold=True)
    title.alignment = _CENTRE  # type: ignore[attr-defined]
    _put(ws, 2, 1, "time", bold=True)
    for room in rooms:
        c = column[room.id]
        name = _put(ws, 1, c, room.name, bold=True)
        name.alignment = _CENTRE  # type: ignore[attr-defined]
        name.fill = _HEADER_FILL  # type: ignore[attr-defined]
        seats = _put(ws, 2, c, f"{room.capacity} seats")
        seats.alignment = _CENTRE  # type: ignore[attr-defined]
        seats.fill = _HEADER_FILL  # type: ignore[attr-defined]
        ws.column_dimensions[get_column_letter(c)].width = 24
    ws.column_dimensions["A"].width = 8
    for k in range(n_slots):
        cell = _put(ws, GRID_HEADER_ROWS + 1 + k, 1, hhmm(first + k * slot))
        cell.alignment = Alignment(vertical="top")  # type: ignore[attr-defined]
        ws.row_dimensions[GRID_HEADER_ROWS + 1 + k].height = 22

    taken: set[tuple[int, int]] = set()  # (row, column) already part of a block

    def rows_of(start: int, stop: int) -> tuple[int, int]:
        top = grid_row(problem, first, max(start, first))
        bottom = grid_row(problem, first, min(stop, end) - 1)
        return top, bottom

    # Sessions: one merged block each, over its rows in its room's column.
    for a in time_order(schedule):
        s = problem.session_by_id.get(a.session_id)
        if a.date != day or s is None or a.room_id not in column:
            continue
        c = column[a.room_id]
        top, bottom = rows_of(a.start, a.start + s.duration)
        text = (
            f"{s.title}\n{KIND_LABEL[s.kind]} · {problem.attendance(s.id)} people\n"
            f"{hhmm(a.start)}-{hhmm(a.start + s.duration)} · {s.id}"
        )
        cells = {(r, c) for r in range(top, bottom + 1)}
        if cells & taken:  # a clash in the room (a schedule that breaks a rule): say so, never overlap blocks
            clash_row = min(r for r, _ in cells & taken)
            anchor = _block_anchor(ws, clash_row, c)
            anchor.value = f"{anchor.value}\n!! also {s.id} {s.title} ({hhmm(a.start)})"
            continue
        taken |= cells
        cell = _put(ws, top, c, text)
        cell.fill = PatternFill("solid", fgColor=KIND_COLOUR[s.kind])  # type: ignore[attr-defined]
        cell.alignment = _WRAP_TOP  # type: ignore[attr-defined]
        for r in range(top, bottom + 1):
            ws.cell(row=r, column=c).border = _BOX
            ws.cell(row=r, column=c).fill = PatternFill("solid", fgColor=KIND_COLOUR[s.kind])
        if bottom > top:
            ws.merge_cells(start_row=top, start_column=c, end_row=bottom, end_column=c)

    # Breaks: shaded across every room (one merged band with the label where nothing is in the way).
    for b in problem.breaks_on(day):
        if b.end <= first or b.start >= end:
            continue
        top, bottom = rows_of(b.start, b.end)
        band = {(r, c) for r in range(top, bottom + 1) for c in column.values()}
        for r in range(top, bottom + 1):
            ws.cell(row=r, column=1).fill = _BREAK_FILL
            for c in column.values():
                if (r, c) not in taken:
                    ws.cell(row=r, column=c).fill = _BREAK_FILL
        if not band & taken and rooms:
            label = _put(
                ws, top, GRID_FIRST_ROOM_COLUMN, f"{b.label or 'Break'} {hhmm(b.start)}-{hhmm(b.end)}"
            )
            label.alignment = _CENTRE  # type: ignore[attr-defined]
            label.font = Font(italic=True)  # type: ignore[attr-defined]
            if bottom > top or last_column > GRID_FIRST_ROOM_COLUMN:
                ws.merge_cells(
                    start_row=top, start_column=GRID_FIRST_ROOM_COLUMN, end_row=bottom, end_column=last_column
                )
            taken |= band

    # A room while it is unavailable: hatched, no text.
    for room in rooms:
        for span in problem.unavailable.get(room.id, ()):
            if span.date != day or span.end <= first or span.start >= end:
                continue
            top, bottom = rows_of(span.start, span.end)
            for row in range(top, bottom + 1):
                if (row, column[room.id]) not in taken:
                    ws.cell(row=row, column=column[room.id]).fill = _AWAY_FILL

    # Legend under the grid.
    legend = last_row + 2
    _put(ws, legend, 1, "key", bold=True)
    keys: list[tuple[str, PatternFill]] = [
        (KIND_LABEL[k], PatternFill("solid", fgColor=KIND_COLOUR[k])) for k in Kind
    ] + [("Break", _BREAK_FILL), ("Room unavailable", _AWAY_FILL)]
    for i, (text, fill) in enumerate(keys):
        cell = _put(ws, legend, GRID_FIRST_ROOM_COLUMN + i, text)
        cell.fill = fill  # type: ignore[attr-defined]

    ws.freeze_panes = ws.cell(row=GRID_HEADER_ROWS + 1, column=GRID_FIRST_ROOM_COLUMN)
    ws.print_title_rows = f"1:{GRID_HEADER_ROWS}"
    ws.print_title_cols = "A:A"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    # Printed pages say which event and day they show ("&" starts a header code: doubled).
    heading = f"{problem.event.name} · {day:%A %d %B %Y}".replace("&", "&&")
    ws.oddHeader.center.text = " ".join(heading.split())


def _block_anchor(ws: Worksheet, row: int, column: int) -> Any:
    """The top-left cell of the merged block holding (row, column), or that cell."""
    for merged in ws.merged_cells.ranges:
        if merged.min_col <= column <= merged.max_col and merged.min_row <= row <= merged.max_row:
            return ws.cell(row=merged.min_row, column=merged.min_col)
    return ws.cell(row=row, column=column)


# -- Agendas, Room use, Quality, Calendar -----------------------------------------------------


def _agendas_sheet(ws: Worksheet, problem: Problem, schedule: Schedule) -> None:
    rows: list[list[Value]] = []
    agenda = agendas(problem, schedule)
    for p in problem.participants:
        person: list[Value] = [p.id, p.name, p.institution, p.role, ", ".join(p.groups)]
        items = agenda[p.id]
        if not items:
            rows.append(person + [None] * (len(AGENDA_COLUMNS) - len(person)))
        for item in items:
            a = item.assignment
            s = problem.session_by_id[a.session_id]
            rows.append(
                person
                + [
                    a.date,
                    _clock(a.start),
                    _clock(a.start + s.duration),
                    s.id,
                    s.title,
                    KIND_LABEL[s.kind],
                    "required" if item.required else "optional",
                    a.room_id,
                    room_label(problem, a.room_id),
                ]
            )
    _table(ws, AGENDA_COLUMNS, rows)
    ws.freeze_panes = "C2"


def room_use(problem: Problem, schedule: Schedule) -> list[list[Value]]:
    """Rows of the Room use sheet: per room (Rooms order) and day (Days order).

    open_hours is the day's window less its breaks; share_of_day = hours_booked /
    open_hours; seats_used_share = seat-hours used (attendance x hours) / seat-hours
    offered (capacity x hours booked)."""
    booked: dict[tuple[str, date], list[Assignment]] = defaultdict(list)
    for a in schedule.assignments:
        if a.session_id in problem.session_by_id:
            booked[(a.room_id, a.date)].append(a)
    rows: list[list[Value]] = []
    for r in problem.rooms:
        for d in problem.days:
            held = booked.get((r.id, d.date), [])
            minutes = sum(problem.session_by_id[a.session_id].duration for a in held)
            breaks = sum(max(0, min(b.end, d.end) - max(b.start, d.start)) for b in problem.breaks_on(d.date))
            open_minutes = max(0, d.end - d.start - breaks)
            used = sum(
                problem.attendance(a.session_id) * problem.session_by_id[a.session_id].duration for a in held
            )
            offered = r.capacity * minutes
            rows.append(
                [
                    r.id,
                    r.name,
                    r.capacity,
                    d.date,
                    len(held),
                    round(minutes / 60, 2),
                    round(open_minutes / 60, 2),
                    round(minutes / open_minutes, 4) if open_minutes else None,
                    round(used / 60, 2),
                    round(offered / 60, 2),
                    round(used / offered, 4) if offered else None,
                    max((problem.attendance(a.session_id) for a in held), default=None),
                ]
            )
    return rows


def _quality_sheet(ws: Worksheet, problem: Problem, schedule: Schedule, report: CheckReport) -> None:
    row = 1
    _put(ws, row, 1, "Soft figures", bold=True)
    soft_rows: list[list[Value]] = []
    for goal in SoftGoal:
        value = report.soft.get(goal.value, 0)
        weight = problem.event.weight(goal.value)
        soft_rows.append([goal.value, value, weight, value * weight, goal.text])
    for name, value in report.soft.items():  # any figure the checker adds later
        if name not in {g.value for g in SoftGoal}:
            weight = problem.event.weight(name)
            soft_rows.append([name, value, weight, value * weight, ""])
    soft_rows.append(["weighted total", None, None, report.objective(problem), "what the solver minimises"])
    row = _table(ws, ("goal", "value", "weight", "weighted", "meaning"), soft_rows, top=row + 1) + 1

    _put(ws, row, 1, "Hard rules", bold=True)
    row += 1
    if report.ok:
        _put(ws, row, 1, "Every hard rule holds.")
        row += 2
    else:
        for v in report.violations:
            _put(ws, row, 1, v.rule.value)
            _put(ws, row, 2, v.message)
            row += 1
        row += 1

    _put(ws, row, 1, f"Optional attendees' clashes ({len(report.clashes)})", bold=True)
    clash_rows: list[list[Value]] = []
    for clash in report.clashes:
        p = problem.participant_by_id.get(clash.person)
        first = problem.session_by_id.get(clash.sessions[0])
        other = clash.sessions[1] if len(clash.sessions) > 1 else None
        other_session = problem.session_by_id.get(other) if other else None
        clash_rows.append(
            [
                clash.person,
                p.name if p else "",
                p.institution if p else "",
                clash.date,
                _clock(clash.start),
                _clock(clash.end),
                clash.reason,
                clash.sessions[0],
                first.title if first else "",
                other,
                other_session.title if other_session else None,
                describe_clash(problem, clash),
            ]
        )
    row = _table(ws, CLASH_COLUMNS, clash_rows, top=row + 1) + 1
    ws.column_dimensions["L"].width = 80

    # who and what is behind every other figure, as the checker lists it (summary.json too)
    details = soft_details(problem, schedule)
    for goal in SoftGoal:
        found = details.get(goal.value, [])
        if goal is SoftGoal.OPTIONAL_CLASH or not found:
            continue
        _put(ws, row, 1, f"Behind {goal.value} ({len(found)})", bold=True)
        header = list(found[0])
        rows = [
            [", ".join(map(str, v)) if isinstance(v, list) else v for v in item.values()] for item in found
        ]
        row = _table(ws, header, rows, top=row + 1) + 1


def _calendar_sheet(ws: Worksheet, entries: list[Entry]) -> None:
    rows: list[list[Value]] = [
        [
            e.session_id,
            e.title,
            e.status,
            e.sequence,
            e.uid,
            e.assignment.date,
            _clock(e.assignment.start),
            _clock(e.end) if e.end is not None else None,
            e.assignment.room_id,
        ]
        for e in entries
    ]
    _table(ws, CALENDAR_COLUMNS, rows)
    ws.freeze_panes = "B2"


# -- the workbook ----------------------------------------------------------------------------


def grid_dates(problem: Problem, schedule: Schedule) -> list[date]:
    """The dates that get a grid sheet: every day of the event, and any other date a session is on."""
    known = [d.date for d in problem.days]
    extra = sorted(
        {a.date for a in schedule.assignments if a.session_id in problem.session_by_id} - set(known)
    )
    return known + extra


def build_schedule_workbook(
    problem: Problem,
    schedule: Schedule,
    *,
    report: CheckReport | None = None,
    plan: list[Entry] | None = None,
    previous: Previous | None = None,
    stamp: datetime = DEFAULT_STAMP,
) -> Workbook:
    """The schedule workbook as an openpyxl Workbook (not yet saved).

    ``report`` defaults to the checker's report on ``schedule``; ``plan`` (the
    Calendar sheet) to :func:`~planner.export.sync.calendar_plan` from ``previous``."""
    report = report if report is not None else check(problem, schedule)
    plan = plan if plan is not None else calendar_plan(problem, schedule, previous)
    wb = build_workbook(problem, stamp=stamp)  # the input sheets, written as the input writer does
    wb[INPUT_SESSIONS_SHEET.split(" ")[0]].title = INPUT_SESSIONS_SHEET
    position = 0

    def sheet(title: str) -> Worksheet:
        nonlocal position
        ws = wb.create_sheet(title, index=position)
        position += 1
        return ws

    _sessions_sheet(sheet("Sessions"), problem, schedule)
    for d in grid_dates(problem, schedule):
        _grid_sheet(sheet(grid_sheet_name(d)), problem, schedule, d)
    _agendas_sheet(sheet("Agendas"), problem, schedule)
    room_sheet = sheet("Room use")
    _table(room_sheet, ROOM_USE_COLUMNS, room_use(problem, schedule))
    room_sheet.freeze_panes = "C2"
    _quality_sheet(sheet("Quality"), problem, schedule, report)
    _calendar_sheet(sheet(CALENDAR_SHEET), plan)
    wb.active = 0
    return wb


def schedule_workbook_bytes(
    problem: Problem,
    schedule: Schedule,
    *,
    report: CheckReport | None = None,
    plan: list[Entry] | None = None,
    previous: Previous | None = None,
    stamp: datetime = DEFAULT_STAMP,
) -> bytes:
    """``schedule.xlsx`` as bytes (equal input gives equal bytes)."""
    buffer = io.BytesIO()
    wb = build_schedule_workbook(problem, schedule, report=report, plan=plan, previous=previous, stamp=stamp)
    wb.save(buffer)
    return _reproducible(buffer.getvalue(), stamp)


def write_schedule_workbook(data: bytes, path: str | Path) -> Path:
    """Write the workbook's bytes to ``path``; returns the path."""
    path = Path(path)
    path.write_bytes(data)
    return path
