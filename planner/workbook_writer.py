"""Writes a Problem as the input workbook of ``workbook.md`` (xlsx or a folder of CSV files).

:func:`problem_tables` is the single description of the sheets; the xlsx and CSV
writers only render it. Text that came from users stays data: in the workbook a
string that starts like a formula (``=``, ``+``, ``-``, ``@``) is stored as a text
cell, never as a formula.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from planner.model import Problem, hhmm

#: The input sheets, in the order they are written, with their columns.
SHEETS: dict[str, list[str]] = {
    "Event": ["key", "value"],
    "Days": ["date", "start", "end"],
    "Breaks": ["date", "start", "end", "label"],
    "Rooms": ["room_id", "name", "capacity", "features", "building"],
    "Groups": ["group_id", "name", "leads"],
    "Participants": ["participant_id", "name", "institution", "role", "email", "groups"],
    "Sessions": [
        "session_id",
        "title",
        "kind",
        "duration_min",
        "groups",
        "required",
        "optional",
        "features",
        "attendance",
        "day",
        "start",
        "room",
        "prefer_day",
        "prefer_time",
    ],
    "Unavailability": ["who", "date", "start", "end"],
    "Dependencies": ["first", "second", "relation", "gap_min"],
}

#: Columns holding a time of day ("HH:MM"); the workbook stores them as time cells.
TIME_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {
        ("Days", "start"),
        ("Days", "end"),
        ("Breaks", "start"),
        ("Breaks", "end"),
        ("Sessions", "start"),
        ("Unavailability", "start"),
        ("Unavailability", "end"),
    }
)

#: Document properties carry this stamp unless told otherwise, so equal problems give equal bytes.
DEFAULT_STAMP = datetime(2025, 1, 1)

_FORMULA_START = ("=", "+", "-", "@")
_MAX_WIDTH = 60

Cell = object
Table = list[list[Cell]]


def _joined(values: tuple[str, ...] | tuple[date, ...] | frozenset[str]) -> str:
    """A list cell: values separated by ", " (a set's values sorted, so output is stable)."""
    items = sorted(values) if isinstance(values, frozenset) else list(values)
    return ", ".join(v.isoformat() if isinstance(v, date) else str(v) for v in items)


def _time(minute: int | None) -> str | None:
    return None if minute is None else hhmm(minute)


def problem_tables(problem: Problem) -> dict[str, Table]:
    """The spec's input sheets for ``problem``: header row, then one row per item.

    Dates are ``datetime.date``, times ``"HH:MM"`` (``"24:00"`` for midnight at the
    end of a day), lists comma-joined, blanks ``None``.
    """
    ev = problem.event
    event_rows: list[list[Cell]] = [
        ["name", ev.name],
        ["timezone", ev.timezone],
        ["slot_minutes", ev.slot_minutes],
    ]
    if ev.venue:
        event_rows.append(["venue", ev.venue])
    if ev.organiser_email:
        event_rows.append(["organiser_email", ev.organiser_email])
    event_rows += [[f"weight_{goal}", weight] for goal, weight in ev.weights]

    tables: dict[str, Table] = {
        "Event": event_rows,
        "Days": [[d.date, _time(d.start), _time(d.end)] for d in problem.days],
        "Breaks": [[b.date, _time(b.start), _time(b.end), b.label] for b in problem.breaks],
        "Rooms": [[r.id, r.name, r.capacity, _joined(r.features), r.building] for r in problem.rooms],
        "Groups": [[g.id, g.name, _joined(g.leads)] for g in problem.groups],
        "Participants": [
            [p.id, p.name, p.institution, p.role, p.email, _joined(p.groups)] for p in problem.participants
        ],
        "Sessions": [
            [
                s.id,
                s.title,
                s.kind.value,
                s.duration,
                _joined(s.groups),
                _joined(s.required),
                _joined(s.optional),
                _joined(s.features),
                s.attendance,
                s.day,
                _time(s.start),
                s.room,
                _joined(s.prefer_day),
                s.prefer_time,
            ]
            for s in problem.sessions
        ],
        "Unavailability": [[u.who, u.date, _time(u.start), _time(u.end)] for u in problem.unavailability],
        "Dependencies": [[d.first, d.second, d.relation.value, d.gap] for d in problem.dependencies],
    }
    # Empty strings are blank cells: one way to say "not given" in both formats.
    out: dict[str, Table] = {}
    for name, header in SHEETS.items():
        out[name] = [list[Cell](header)] + [[None if v == "" else v for v in row] for row in tables[name]]
    return out


# -- xlsx -----------------------------------------------------------------------------


def _excel_value(sheet: str, column: str, value: Cell) -> Cell:
    """The value as the workbook stores it: time columns as time cells where a time exists."""
    if (sheet, column) in TIME_COLUMNS and isinstance(value, str):
        hours, minutes = (int(x) for x in value.split(":"))
        if hours < 24:  # 24:00 has no time cell; it stays text
            return time(hours, minutes)
    return value


def build_workbook(problem: Problem, *, stamp: datetime = DEFAULT_STAMP) -> Workbook:
    """The input workbook for ``problem`` as an openpyxl Workbook (not yet saved)."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "planner"
    wb.properties.created = stamp
    bold = Font(bold=True)
    for name, rows in problem_tables(problem).items():
        ws = wb.create_sheet(name)
        header = SHEETS[name]
        widths = [len(h) for h in header]
        for r, row in enumerate(rows, start=1):
            for c, raw in enumerate(row, start=1):
                if raw is None:
                    continue
                value = raw if r == 1 else _excel_value(name, header[c - 1], raw)
                if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                    raise ValueError(
                        f"{name}, row {r}, column {header[c - 1]}: "
                        f"control characters cannot be stored in a workbook (found {value!r})"
                    )
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    # User text is data: never let openpyxl (or Excel) take it for a formula.
                    cell.data_type = "s"
                    if value.startswith(_FORMULA_START):
                        cell.quotePrefix = True
                    width = len(value)
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                    width = 10
                elif isinstance(value, time):
                    cell.number_format = "hh:mm"
                    width = 5
                else:
                    width = len(str(value))
                widths[c - 1] = max(widths[c - 1], width)
        for c in range(1, len(header) + 1):
            ws.cell(row=1, column=c).font = bold
            ws.column_dimensions[get_column_letter(c)].width = min(widths[c - 1], _MAX_WIDTH) + 2
        ws.freeze_panes = "A2"
    return wb


def _reproducible(data: bytes, stamp: datetime) -> bytes:
    """The same xlsx with fixed zip entry times and modification stamp, so equal input gives equal bytes."""
    modified = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + modified + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, body)
    return out.getvalue()


def workbook_bytes(problem: Problem, *, stamp: datetime = DEFAULT_STAMP) -> bytes:
    """The input workbook for ``problem`` as xlsx bytes (e.g. for a download)."""
    buffer = io.BytesIO()
    build_workbook(problem, stamp=stamp).save(buffer)
    return _reproducible(buffer.getvalue(), stamp)


def write_workbook(problem: Problem, path: str | Path, *, stamp: datetime = DEFAULT_STAMP) -> Path:
    """Write ``problem`` as an input workbook (.xlsx) at ``path``; returns the path."""
    path = Path(path)
    path.write_bytes(workbook_bytes(problem, stamp=stamp))
    return path


# -- CSV ------------------------------------------------------------------------------


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv_folder(problem: Problem, folder: str | Path) -> Path:
    """Write ``problem`` as a folder of UTF-8 CSV files, one per sheet (``sessions.csv``, ...).

    Values are written verbatim (ISO dates, HH:MM times): a CSV file has no way to
    mark text as text, so nothing is escaped; opening it in a spreadsheet is the
    reader's risk, while the xlsx is safe.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in problem_tables(problem).items():
        with open(folder / f"{name.lower()}.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerows([_csv_value(v) for v in row] for row in rows)
    return folder
