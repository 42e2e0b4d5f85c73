"""Small input workbooks for the reader's tests, built from plain dicts.

A workbook is ``{sheet: [row, ...]}`` with each row a ``{column: value}`` dict; the
first data row is row 2 of the sheet (the header is row 1). Values are text as a
CSV file holds them; :func:`excel_cells` turns them into real Excel cells.
"""

from __future__ import annotations

import copy
import csv
import re
from datetime import date, time
from pathlib import Path
from typing import Any

import openpyxl

from planner.validation import SHEETS

Sheets = dict[str, list[dict[str, Any]]]

_VALID: Sheets = {
    "Event": [
        {"key": "name", "value": "Test meeting"},
        {"key": "timezone", "value": "Europe/Stockholm"},
        {"key": "slot_minutes", "value": "15"},
        {"key": "venue", "value": "Halmstad"},
        {"key": "organiser_email", "value": "org@example.org"},
        {"key": "weight_room_fit", "value": "2"},
        {"key": "colour", "value": "blue"},  # unknown keys are ignored
    ],
    "Days": [
        {"date": "2025-10-21", "start": "09:00", "end": "17:00"},
        {"date": "2025-10-22", "start": "08:30", "end": "24:00"},
    ],
    "Breaks": [
        {"date": "", "start": "12:00", "end": "13:00", "label": "Lunch"},
        {"date": "2025-10-21", "start": "15:00", "end": "15:30", "label": "Fika"},
    ],
    "Rooms": [
        {
            "room_id": "R1",
            "name": "Aula",
            "capacity": "100",
            "features": "Hybrid, projector",
            "building": "A",
        },
        {"room_id": "R2", "name": "Room 2", "capacity": "12", "features": ""},
    ],
    "Groups": [
        {"group_id": "WP1", "name": "Work package 1", "leads": "P1"},
        {"group_id": "WP2", "name": "Work package 2", "leads": ""},
    ],
    "Participants": [
        {"participant_id": "P1", "name": "Ada", "institution": "HH", "role": "lead", "groups": "WP1"},
        {
            "participant_id": "P2",
            "name": "Bo",
            "institution": "UiA",
            "email": "bo@uia.no",
            "groups": "WP1, WP2",
        },
        {"participant_id": "P3", "name": "Cy", "institution": "UiA", "groups": ""},
        {
            "participant_id": "101",
            "name": "Dee",
            "institution": "HH",
            "groups": "WP2",
        },  # an id typed as a number
    ],
    "Sessions": [
        {
            "session_id": "S1",
            "title": "Opening",
            "kind": "plenary",
            "duration_min": "60",
            "day": "2025-10-21",
            "start": "09:00",
            "room": "R1",
        },
        {
            "session_id": "S2",
            "title": "WP1 meeting",
            "kind": "working_group",
            "duration_min": "90",
            "groups": "WP1",
            "optional": "P3",
            "features": "Projector",
            "prefer_day": "2025-10-21, 2025-10-22",
            "prefer_time": "Morning",
        },
        {
            "session_id": "S3",
            "title": "Cross",
            "kind": "cross_package",
            "duration_min": "30",
            "required": "P3, 101",
            "attendance": "5",
        },
        {"session_id": "S4", "title": "Closing", "kind": "Plenary", "duration_min": "45"},
    ],
    "Unavailability": [
        {"who": "P2", "date": "2025-10-22", "start": "09:00", "end": "12:00"},
        {"who": "R2", "date": "2025-10-21", "start": "", "end": ""},
        {"who": "WP2", "date": "", "start": "16:00", "end": "17:00"},
    ],
    "Dependencies": [
        {"first": "S1", "second": "S2", "relation": "before", "gap_min": "15"},
        {"first": "S2", "second": "S4", "relation": "Before", "gap_min": ""},
        {"first": "S3", "second": "S4", "relation": "not_parallel", "gap_min": ""},
    ],
}


def valid_sheets() -> Sheets:
    """A fresh copy of a small valid workbook that uses every sheet."""
    return copy.deepcopy(_VALID)


def header(sheets: Sheets, sheet: str) -> list[str]:
    """The columns of a sheet: every key its rows use, else the spec's columns."""
    columns = list(dict.fromkeys(k for row in sheets[sheet] for k in row))
    if not columns and sheet in SHEETS:
        required, optional, _ = SHEETS[sheet]
        columns = [*required, *optional]
    return columns


def write_csv_folder(folder: Path, sheets: Sheets, names: dict[str, str] | None = None) -> Path:
    """One ``<sheet>.csv`` per sheet (``names`` may rename files); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in sheets.items():
        columns = header(sheets, sheet)
        file = folder / (names or {}).get(sheet, f"{sheet.lower()}.csv")
        with open(file, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return folder


def write_xlsx(
    path: Path,
    sheets: Sheets,
    sheet_names: dict[str, str] | None = None,
    column_names: dict[str, str] | None = None,
) -> Path:
    """A workbook with one worksheet per sheet; names may be respelled; returns the path."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in sheets.items():
        ws = workbook.create_sheet((sheet_names or {}).get(sheet, sheet))
        columns = header(sheets, sheet)
        ws.append([(column_names or {}).get(c, c) for c in columns])
        for row in rows:
            ws.append([1.0 if row.get(c) is MIDNIGHT else row.get(c) for c in columns])
            for cell, column in zip(ws[ws.max_row], columns, strict=True):
                if isinstance(row.get(column), time) or row.get(column) is MIDNIGHT:
                    cell.number_format = "hh:mm"
    workbook.save(path)
    return path


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")


def excel_cells(sheets: Sheets) -> Sheets:
    """The same workbook as an organiser's Excel holds it: real date and time cells,
    numbers typed as numbers, blank cells empty."""

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        if _DATE.fullmatch(value):
            return date.fromisoformat(value)
        if value == "24:00":
            return MIDNIGHT
        if _TIME.fullmatch(value):
            return time.fromisoformat(value)
        if value.isdigit():
            return int(value)
        return value

    return {s: [{c: cell(v) for c, v in row.items()} for row in rows] for s, rows in sheets.items()}


class _Midnight:
    """Marks a 24:00 cell: Excel stores it as the number 1.0 formatted as a time."""


MIDNIGHT = _Midnight()
