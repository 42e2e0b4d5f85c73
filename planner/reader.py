"""Reads the organisers' input: an ``.xlsx`` workbook or a folder of UTF-8 CSV files.

:func:`load_tables` turns a file or folder into tables of raw cells (nothing is
interpreted or dropped yet); :func:`build_problem` (from :mod:`planner.validation`)
checks them and builds the Problem; :func:`read_problem` does both. Anything that
cannot be read raises :class:`~planner.errors.InputError`, never a traceback.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from planner.errors import InputError, InputIssue
from planner.model import Problem
from planner.validation import SHEETS, Cell, build_problem, column_key, is_blank, shown

__all__ = [
    "INPUT_SESSIONS_SHEET",
    "Table",
    "build_problem",
    "load_tables",
    "read_csv_table",
    "read_problem",
    "read_workbook",
]

#: Known sheet names by their matching key; "Sessions" is also the schedule workbook's sheet.
_CANONICAL = {column_key(name): name for name in SHEETS}

#: In a schedule workbook (``schedule.xlsx``) the sheet ``Sessions`` is the schedule, as
#: workbook.md says, and the input's Sessions sheet is kept under this name, so that the
#: file is an input workbook too. Where a workbook has it, it is the input's Sessions sheet.
INPUT_SESSIONS_SHEET = "Sessions (input)"


@dataclass(frozen=True)
class Table:
    """One sheet (or CSV file) as raw cells, blank rows left out.

    ``rows`` pairs the row number as the spreadsheet shows it with the row's cells,
    keyed by column name as matched (stripped, lower case); every column with a
    header is kept, known or not. ``overflow`` lists CSV rows with more cells than
    the header has columns, whose extra cells have no column to go to.
    """

    name: str  # canonical for a known sheet ("Sessions"), else as written, stripped
    source: str  # for messages: the sheet name as written, or the CSV file's name
    header: tuple[str, ...]  # as written; "" for a blank header cell
    rows: tuple[tuple[int, dict[str, Cell]], ...]
    overflow: tuple[int, ...] = ()

    @property
    def columns(self) -> frozenset[str]:
        """The column names present, as matched."""
        return frozenset(column_key(h) for h in self.header if h.strip())


def read_problem(path: str | Path) -> Problem:
    """The valid Problem in a workbook or CSV folder; else InputError listing every problem."""
    return build_problem(load_tables(path))


def load_tables(path: str | Path) -> dict[str, Table]:
    """Every sheet of an ``.xlsx`` workbook, or every ``*.csv`` file of a folder, by canonical name.

    Raises InputError if the path is missing, is not a workbook, or holds no CSV files."""
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        raise _file_error(path, "there is no such file or folder")
    if path.suffix.lower() == ".csv":
        raise _file_error(
            path,
            "this is a single CSV file: give the folder that holds all the CSV files "
            "(event.csv, days.csv, rooms.csv, participants.csv, sessions.csv, ...)",
        )
    return _input_sessions(read_workbook(path))


def _input_sessions(tables: dict[str, Table]) -> dict[str, Table]:
    """The tables with a schedule workbook's ``Sessions (input)`` read as the Sessions sheet
    (its ``Sessions`` sheet, the schedule, is then an extra sheet, ignored)."""
    source = next((n for n in tables if column_key(n) == column_key(INPUT_SESSIONS_SHEET)), None)
    if source is None:
        return tables
    out = {name: t for name, t in tables.items() if name not in (source, "Sessions")}
    if "Sessions" in tables:
        aside = f"{tables['Sessions'].source} (schedule)"
        out[aside] = replace(tables["Sessions"], name=aside)
    out["Sessions"] = replace(tables[source], name="Sessions")
    return out


def read_workbook(path: str | Path) -> dict[str, Table]:
    """Every worksheet of an ``.xlsx`` workbook, by canonical name (cached formula results)."""
    import openpyxl  # type: ignore[import-untyped]  # imported here only: keeps `import planner` light

    path = Path(path)
    try:
        # openpyxl warns about workbook features it drops (data validation extensions,
        # ...), which is noise to an organiser; the cells still read correctly.
        with open(path, "rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            try:
                tables = []
                for ws in workbook.worksheets:
                    # The stored "used range" may be wrong (some tools write A1 only); read every cell.
                    ws.reset_dimensions()
                    tables.append(_table(ws.title, ws.title, ws.iter_rows(values_only=True), csv_rows=False))
            finally:
                workbook.close()
    except OSError as err:
        raise _file_error(path, f"cannot be opened ({err.strerror or err})") from None
    except Exception:  # a damaged or foreign file fails in many ways inside openpyxl
        raise _file_error(
            path,
            "is not an Excel workbook (.xlsx), or it is damaged; open it in Excel or LibreOffice "
            "and save it as .xlsx",
        ) from None
    return _by_name(tables, str(path))


def read_csv_table(path: str | Path, name: str | None = None) -> Table:
    """One UTF-8 CSV file (a BOM is fine) as a table; ``name`` defaults to the file's stem."""
    path = Path(path)
    sheet = (name or path.stem).strip()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return _table(sheet, path.name, csv.reader(handle), csv_rows=True)
    except UnicodeDecodeError:
        raise _file_error(path, "is not UTF-8 text: save it as 'CSV UTF-8'", label=path.name) from None
    except csv.Error as err:
        raise _file_error(path, f"is not a readable CSV file ({err})", label=path.name) from None
    except OSError as err:
        raise _file_error(path, f"cannot be opened ({err.strerror or err})", label=path.name) from None


def _read_folder(folder: Path) -> dict[str, Table]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        raise _file_error(
            folder,
            "this folder holds no CSV files; expected event.csv, days.csv, rooms.csv, "
            "participants.csv, sessions.csv and, if needed, breaks.csv, groups.csv, "
            "unavailability.csv, dependencies.csv",
        )
    tables: list[Table] = []
    issues: list[InputIssue] = []
    for file in files:  # read them all, so that every unreadable file is reported at once
        try:
            tables.append(read_csv_table(file))
        except InputError as err:
            issues.extend(err.issues)
    if issues:
        raise InputError(issues)
    return _by_name(tables, str(folder))


def _table(name: str, source: str, records: Iterable[Sequence[Cell]], *, csv_rows: bool) -> Table:
    """A table from its records: the first non-blank one is the header; blank ones are skipped."""
    header: tuple[str, ...] | None = None
    keys: list[str] = []
    rows: list[tuple[int, dict[str, Cell]]] = []
    overflow: list[int] = []
    for number, record in enumerate(records, start=1):
        if all(is_blank(cell) for cell in record):
            continue
        if header is None:
            header = tuple(cell if isinstance(cell, str) else shown(cell) for cell in record)
            keys = [column_key(h) for h in header]
            continue
        cells: dict[str, Cell] = {}
        for i, key in enumerate(keys):
            if key and key not in cells:  # a repeated column is reported by the validation
                cells[key] = record[i] if i < len(record) else None
        rows.append((number, cells))
        if csv_rows and any(not is_blank(cell) for cell in record[len(keys) :]):
            overflow.append(number)
    canonical = _CANONICAL.get(column_key(name), name.strip())
    return Table(canonical, source, header or (), tuple(rows), tuple(overflow))


def _by_name(tables: list[Table], label: str) -> dict[str, Table]:
    """Tables by canonical name; two that match the same known sheet are ambiguous.

    An unknown sheet whose name is taken is kept under its source label instead."""
    found: dict[str, Table] = {}
    issues: list[InputIssue] = []
    for table in tables:
        twin = next((t for t in found.values() if column_key(t.name) == column_key(table.name)), None)
        if twin is None:
            found[table.name] = table
        elif table.name in SHEETS:
            message = f"{twin.source!r} and {table.source!r} are both the sheet {table.name}; keep one"
            issues.append(InputIssue(label, None, None, "", message))
        else:
            found[table.source] = table
    if issues:
        raise InputError(issues)
    return found


def _file_error(path: Path, message: str, label: str | None = None) -> InputError:
    return InputError([InputIssue(label or str(path), None, None, "", message)])
