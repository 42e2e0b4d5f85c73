"""The workbook contract: which sheets and columns there are, what a valid cell is,
and the checks that turn tables of raw cells into a :class:`~planner.model.Problem`.

Every problem is collected, never only the first: a cell that cannot be read is
reported where it is (sheet, row, column, value) and reading goes on, so one run
lists everything an organiser has to fix. A column is required when a blank cell
in it would be an error (an id, a duration, a day's window, ...); a missing
optional column reads as blank cells, which take the defaults of the spec
(a blank name or title falls back to the id).
"""

from __future__ import annotations

import difflib
import graphlib
import itertools
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING, TypeVar, overload

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

from planner.errors import InputError, InputIssue
from planner.model import (
    DEFAULT_MAX_IN_A_ROW,
    Break,
    Day,
    Dependency,
    Event,
    Group,
    Kind,
    Participant,
    Problem,
    Relation,
    Room,
    Session,
    Unavailability,
    hhmm,
)

if TYPE_CHECKING:
    from planner.reader import Table

#: A raw cell as a CSV file (always str) or openpyxl (anything else) gives it.
Cell = str | int | float | bool | datetime | date | time | timedelta | None

T = TypeVar("T")

#: Sheets in reading order: name -> (required columns, optional columns, sheet required).
SHEETS: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "Event": (("key", "value"), (), True),
    "Days": (("date", "start", "end"), (), True),
    "Breaks": (("start", "end"), ("date", "label"), False),
    "Rooms": (("room_id", "capacity"), ("name", "features", "building"), True),
    "Groups": (("group_id",), ("name", "leads"), False),
    "Participants": (("participant_id",), ("name", "institution", "role", "email", "groups"), True),
    "Sessions": (
        ("session_id", "kind", "duration_min"),
        (
            "title",
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
        ),
        True,
    ),
    "Unavailability": (("who",), ("date", "start", "end"), False),
    "Dependencies": (("first", "second", "relation"), ("gap_min",), False),
}

MINUTES_PER_DAY = 24 * 60
# Typed empty defaults, so that Row.get infers the list types.
_NO_IDS: tuple[str, ...] = ()
_NO_DATES: tuple[date, ...] = ()
_NO_FEATURES: frozenset[str] = frozenset()
# Excel keeps a time as a fraction of a day; readers turn one without a date into a
# datetime on the spreadsheet epoch (1899-12-30 or 1899-12-31), and 24:00 (one whole
# day) into midnight of 1899-12-31 or 1900-01-01.
_TIME_EPOCHS = {date(1899, 12, 30): 0, date(1899, 12, 31): 0, date(1900, 1, 1): MINUTES_PER_DAY}


def column_key(name: str) -> str:
    """A sheet or column name as matched: case-insensitive, surrounding spaces ignored."""
    return name.strip().lower()


# -- cells --------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def is_blank(raw: Cell) -> bool:
    """Whether a cell is empty (None, or only spaces)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def shown(raw: Cell) -> str:
    """A cell as an organiser would read it: 101 not 101.0, 09:30 not 09:30:00."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        if raw.time() == time(0):
            return raw.date().isoformat()
        return raw.isoformat(sep=" ", timespec="minutes")
    if isinstance(raw, time):
        return raw.isoformat(timespec="seconds" if raw.second else "minutes")
    return str(raw)


def _printable(text: str) -> str:
    """Text without the control characters a workbook cannot hold (openpyxl's own test):
    a CSV file may carry one, and the schedule workbook repeats the input, so it is
    refused here, where the organiser can be told which cell. Tab and line breaks are fine."""
    found = ILLEGAL_CHARACTERS_RE.search(text)
    if found:
        raise CellError(
            f"contains a control character (U+{ord(found.group()):04X}) at position {found.start() + 1}, "
            "which a workbook cannot hold; delete it"
        )
    return text


def parse_text(raw: Cell) -> str:
    """Any cell as text (numbers as the organiser typed them)."""
    return _printable(shown(raw))


def parse_id(raw: Cell) -> str:
    """An id: text, or a number typed as one (101 becomes "101", never "101.0"); no comma,
    since lists of ids are separated by commas (an id with one could never be listed)."""
    if isinstance(raw, bool | date | time | timedelta):
        raise CellError("expected an id (text or a number), not a date, time or TRUE/FALSE")
    text = _printable(shown(raw))
    if "," in text:
        raise CellError("an id cannot hold a comma: lists of ids are separated by commas")
    return text


_EMAIL = re.compile(r"[^@\s,;:<>()\[\]\\\"]+@[^@\s,;:<>()\[\]\\\"]+\.[^@\s,;:<>()\[\]\\\".]+")


def parse_email(raw: Cell) -> str:
    """An e-mail address (the organiser's, for calendars' ORGANIZER), in its plain form."""
    text = parse_text(raw)
    if not _EMAIL.fullmatch(text):
        raise CellError("expected an e-mail address such as organiser@example.org")
    return text


_WHOLE = re.compile(r"[+-]?\d+(?:\.0*)?")


def parse_whole(raw: Cell) -> int:
    """A whole number: an int, a float such as 20.0, or text such as "20"."""
    if isinstance(raw, bool):
        raise CellError("expected a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()):
        return int(raw.strip().split(".")[0])
    raise CellError("expected a whole number")


#: The largest whole number any cell may hold: far above any real meeting's seats,
#: minutes or weights, and low enough that no sum of them overflows the solver.
MAX_WHOLE = 1_000_000


def whole_at_least(least: int) -> Callable[[Cell], int]:
    """A parser of whole numbers from ``least`` up to MAX_WHOLE."""
    wanted = "greater than 0" if least == 1 else f"{least} or more"

    def parse(raw: Cell) -> int:
        try:
            value = parse_whole(raw)
        except CellError:
            raise CellError(f"expected a whole number {wanted}") from None
        if value < least:
            raise CellError(f"expected a whole number {wanted}")
        if value > MAX_WHOLE:
            raise CellError(f"expected a whole number no larger than {MAX_WHOLE:,}")
        return value

    return parse


parse_positive = whole_at_least(1)
parse_non_negative = whole_at_least(0)

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?")


def parse_date(raw: Cell) -> date:
    """A date: a real date cell, or text ``YYYY-MM-DD``."""
    if isinstance(raw, datetime):
        if raw.time() != time(0):
            raise CellError("expected a date without a time of day")
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        found = _DATE.fullmatch(raw.strip())
        if found:
            try:
                return date.fromisoformat(found.group(1))
            except ValueError:
                raise CellError("no such date in the calendar; expected YYYY-MM-DD") from None
    raise CellError("expected a date as YYYY-MM-DD")


_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _minutes_of(seconds: float) -> int:
    """Whole minutes in a span of seconds, allowing for a spreadsheet's rounding."""
    minutes = round(seconds / 60)
    if abs(seconds - minutes * 60) > 1:
        raise CellError("expected a time in whole minutes, HH:MM")
    return minutes


def parse_time(raw: Cell, *, end: bool = False) -> int:
    """A time of day as minutes after midnight: a real time cell or ``HH:MM`` text.

    Only an end may be 24:00 (midnight at the end of the day)."""
    if isinstance(raw, datetime):
        if raw.date() not in _TIME_EPOCHS:
            raise CellError("expected a time HH:MM, not a date and time")
        clock = _minutes_of(raw.hour * 3600 + raw.minute * 60 + raw.second + raw.microsecond / 1e6)
        minutes = _TIME_EPOCHS[raw.date()] + clock
        if end and minutes == 0 and raw.date() == date(1899, 12, 31):
            minutes = MINUTES_PER_DAY  # one whole day after the 1899-12-30 epoch
    elif isinstance(raw, time):
        minutes = _minutes_of(raw.hour * 3600 + raw.minute * 60 + raw.second + raw.microsecond / 1e6)
    elif isinstance(raw, timedelta):
        minutes = _minutes_of(raw.total_seconds())
    elif isinstance(raw, str) and (found := _TIME.fullmatch(raw.strip())):
        hours, mins, secs = found.groups()
        if int(mins) > 59 or (secs is not None and int(secs) != 0):
            raise CellError("expected a time HH:MM")
        minutes = int(hours) * 60 + int(mins)
    else:
        raise CellError("expected a time HH:MM (24-hour)")
    if minutes == MINUTES_PER_DAY and not end:
        raise CellError("24:00 is allowed only as an end time")
    if not 0 <= minutes <= MINUTES_PER_DAY:
        raise CellError("expected a time between 00:00 and 24:00")
    return minutes


def parse_end_time(raw: Cell) -> int:
    """An end time: as :func:`parse_time`, and 24:00 is allowed."""
    return parse_time(raw, end=True)


def parse_list(raw: Cell) -> tuple[str, ...]:
    """A comma-separated list, spaces around values ignored, each value once."""
    if isinstance(raw, bool | date | time | timedelta):
        raise CellError("expected a list of values separated by commas")
    items = _printable(shown(raw)).split(",")
    return tuple(dict.fromkeys(item.strip() for item in items if item.strip()))


def parse_features(raw: Cell) -> frozenset[str]:
    """A list of feature names, lower-cased (feature names are case-insensitive)."""
    return frozenset(f.lower() for f in parse_list(raw))


def parse_dates(raw: Cell) -> tuple[date, ...]:
    """A list of dates: one real date cell, or comma-separated ``YYYY-MM-DD``."""
    if isinstance(raw, date):
        return (parse_date(raw),)
    if not isinstance(raw, str):
        raise CellError("expected dates as YYYY-MM-DD, separated by commas")
    dates = []
    for item in parse_list(raw):
        try:
            dates.append(parse_date(item))
        except CellError as err:
            raise CellError(f"{item!r}: {err}") from None
    return tuple(dict.fromkeys(dates))


def _choice(values: Sequence[str]) -> Callable[[Cell], str]:
    """A parser of one of ``values``, case-insensitive (spaces and hyphens read as ``_``)."""

    def parse(raw: Cell) -> str:
        word = re.sub(r"[\s-]+", "_", shown(raw).lower())
        if word not in values:
            raise CellError(f"expected one of {', '.join(values)}")
        return word

    return parse


parse_kind = _choice([k.value for k in Kind])
parse_relation = _choice([r.value for r in Relation])
parse_prefer_time = _choice(["morning", "afternoon"])


@cache
def _zones() -> frozenset[str]:
    # "localtime" is this machine's zone, not an IANA name.
    return frozenset(zoneinfo.available_timezones() - {"localtime"})


def parse_timezone(raw: Cell) -> str:
    """An IANA time zone name, e.g. Europe/Stockholm."""
    name = shown(raw)
    if name in _zones():
        return name
    raise CellError(f"expected an IANA time zone name such as Europe/Stockholm{_Hints(_zones())(name)}")


class _Hints:
    """Names the known value an organiser probably meant: a slip of case always, a close
    spelling for the first ``budget`` values asked about only, as each such search reads
    every candidate (thousands of unknown ids would otherwise take many seconds)."""

    def __init__(self, candidates: Iterable[str], budget: int = 50) -> None:
        self.candidates = sorted(candidates)
        self.by_case = {c.lower(): c for c in reversed(self.candidates)}
        self.budget = budget
        self.hints: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        """'; did you mean ...?' or ''."""
        if value not in self.hints:
            meant = self.by_case.get(value.lower())
            if meant is None and self.budget > 0:
                self.budget -= 1
                meant = next(iter(difflib.get_close_matches(value, self.candidates, n=1, cutoff=0.8)), None)
            self.hints[value] = f"; did you mean {meant!r}?" if meant else ""
        return self.hints[value]


# -- sheets and rows ----------------------------------------------------------------


class Sheet:
    """A table being read: checks its columns, then hands out rows that report bad cells.

    ``table`` None stands for a sheet that is not there (it has no rows)."""

    def __init__(
        self,
        table: Table | None,
        issues: list[InputIssue],
        required: Sequence[str],
        optional: Sequence[str] = (),
        label: str | None = None,
    ) -> None:
        self.table = table
        self.issues = issues
        self.label = label or (table.source if table is not None else "")
        self.present = table.columns if table is not None else frozenset()
        if table is not None:
            self._check_columns(table, required, optional)

    def _check_columns(self, table: Table, required: Sequence[str], optional: Sequence[str]) -> None:
        if not table.header:
            self.issue(
                None, None, "", f"the sheet is empty: it needs a header row with {', '.join(required)}"
            )
            return
        keys = [column_key(h) for h in table.header]
        for column in required:
            if column not in self.present:
                hint = ""
                if any(";" in h for h in table.header):
                    hint = "; the header holds ';': save the file with commas between columns"
                self.issue(None, column, "", f"the required column {column} is missing{hint}")
        for column in (*required, *optional):
            if keys.count(column) > 1:
                self.issue(None, column, "", "this column appears more than once in the header; keep one")
        for number in table.overflow:
            self.issue(
                number,
                None,
                "",
                "this row has more cells than the header has columns; is a comma inside a cell "
                "that is not in quotes?",
            )

    def issue(self, row: int | None, column: str | None, value: str, message: str) -> None:
        self.issues.append(InputIssue(self.label, row, column, value, message))

    def rows(self) -> Iterator[Row]:
        if self.table is not None:
            for number, cells in self.table.rows:
                yield Row(self, number, cells)


class Row:
    """One row of a sheet: reads its cells, reporting each bad one where it is."""

    def __init__(self, sheet: Sheet, number: int, cells: Mapping[str, Cell]) -> None:
        self.sheet = sheet
        self.number = number
        self.cells = cells
        #: Whether any cell of this row was reported.
        self.failed = False

    def raw(self, column: str) -> Cell:
        return self.cells.get(column)

    def blank(self, column: str) -> bool:
        return is_blank(self.cells.get(column))

    def issue(self, column: str | None, message: str, value: str | None = None) -> None:
        """Reports a problem in this row; the value shown defaults to the cell's."""
        shown_value = shown(self.raw(column)) if value is None and column else (value or "")
        self.sheet.issue(self.number, column, shown_value, message)
        self.failed = True

    @overload
    def get(self, column: str, parse: Callable[[Cell], T], default: T) -> T: ...
    @overload
    def get(self, column: str, parse: Callable[[Cell], T], *, required: bool = False) -> T | None: ...

    def get(
        self, column: str, parse: Callable[[Cell], T], default: T | None = None, *, required: bool = False
    ) -> T | None:
        """The cell read by ``parse``; ``default`` if blank (a required blank is reported),
        or if it cannot be read (which is reported)."""
        raw = self.raw(column)
        if is_blank(raw):
            if required and column in self.sheet.present:
                self.issue(column, "a value is required here", "")
            elif required:  # a missing column is reported once for the sheet, not on every row
                self.failed = True
            return default
        try:
            return parse(raw)
        except CellError as err:
            self.issue(column, str(err))
            return default


# -- the problem --------------------------------------------------------------------

#: The id column of each sheet whose ids share one namespace, and what it names.
_ENTITIES = {"Rooms": "room", "Groups": "group", "Participants": "participant", "Sessions": "session"}


def build_problem(tables: Mapping[str, Table]) -> Problem:
    """The valid Problem the tables describe; else InputError listing every problem found,
    sheet by sheet and row by row."""
    return _Builder(tables).build()


class _Builder:
    """Reads the sheets in an order where each one's context is known (Event's slot
    before durations, Days before fixed starts); checks references once all ids are read."""

    def __init__(self, tables: Mapping[str, Table]) -> None:
        self.issues: list[InputIssue] = []
        by_name = {column_key(t.name): t for t in tables.values()}
        self.sheets: dict[str, Sheet] = {}
        for name, (required, optional, needed) in SHEETS.items():
            table = by_name.get(column_key(name))
            if table is None and needed:
                self.issues.append(
                    InputIssue(
                        name,
                        None,
                        None,
                        "",
                        f"the required sheet {name} is missing "
                        f"(in a folder of CSV files: {name.lower()}.csv)",
                    )
                )
            label = table.source if table is not None else name
            self.sheets[name] = Sheet(table, self.issues, required, optional, label=label)
        # Context filled in while reading; None or empty where a sheet could not tell.
        self.slot: int | None = None
        self.dates: set[date] = set()
        self.windows: dict[date, Day] = {}
        # id -> {entity: (sheet label, row)}
        self.ids: dict[str, dict[str, tuple[str, int]]] = {}
        self.references: list[tuple[Row, str, str, tuple[str, ...]]] = []

    def build(self) -> Problem:
        event = self._event()
        days = self._days()
        breaks = self._breaks()
        rooms = self._rooms()
        groups = self._groups()
        participants = self._participants()
        sessions = self._sessions()
        unavailability = self._unavailability()
        dependencies, ordering = self._dependencies()
        planned = self.sheets["Sessions"].table
        for name, what in (("Days", "day"), ("Rooms", "room")):
            table = self.sheets[name].table
            if planned and planned.rows and table is not None and table.header and not table.rows:
                self.sheets[name].issue(None, None, "", f"no {what}s are given: add at least one {what}")
        self._check_references()
        self._check_cycles(ordering)
        if self.issues or event is None:
            raise InputError(self._sorted_issues())
        return Problem(
            event=event,
            days=tuple(sorted(days, key=lambda d: d.date)),
            rooms=tuple(rooms),
            participants=tuple(participants),
            sessions=tuple(sessions),
            groups=tuple(groups),
            breaks=tuple(breaks),
            unavailability=tuple(unavailability),
            dependencies=tuple(dependencies),
        )

    def _sorted_issues(self) -> list[InputIssue]:
        order = {sheet.label: i for i, sheet in enumerate(self.sheets.values())}
        return sorted(self.issues, key=lambda i: (order.get(i.sheet, -1), i.row or 0))

    # -- Event --------------------------------------------------------------------

    def _event(self) -> Event | None:
        """Key/value rows: name and timezone required, slot_minutes > 0, max_in_a_row > 0, weight_* >= 0."""
        sheet = self.sheets["Event"]
        if sheet.table is None or "key" not in sheet.present:
            return None
        rows: dict[str, Row] = {}
        for row in sheet.rows():
            key = row.get("key", parse_text, "").lower()
            if not key:
                if not row.blank("value"):
                    row.issue("key", "this row has a value but no key", "")
            elif key in rows:
                row.issue("key", f"this key is already given in row {rows[key].number}")
            else:
                rows[key] = row
        for key, what in (("name", "the event's name"), ("timezone", "its IANA time zone")):
            if key not in rows:
                sheet.issue(None, "key", "", f"the key {key} is missing: give {what} in a row of its own")
        name = rows["name"].get("value", parse_text, required=True) if "name" in rows else None
        zone = rows["timezone"].get("value", parse_timezone, required=True) if "timezone" in rows else None
        if "slot_minutes" in rows:
            slot = rows["slot_minutes"].get("value", parse_positive, 15)
            self.slot = None if rows["slot_minutes"].failed else slot
        else:
            self.slot = 15
        venue = rows["venue"].get("value", parse_text, "") if "venue" in rows else ""
        email = rows["organiser_email"].get("value", parse_email, "") if "organiser_email" in rows else ""
        weights: list[tuple[str, int]] = []
        for key, row in rows.items():
            if key.startswith("weight_") and key != "weight_":
                weight = row.get("value", parse_non_negative)
                if weight is not None:
                    weights.append((key.removeprefix("weight_"), weight))
        in_a_row = DEFAULT_MAX_IN_A_ROW
        if "max_in_a_row" in rows:
            in_a_row = rows["max_in_a_row"].get("value", parse_positive, DEFAULT_MAX_IN_A_ROW)
        if name is None or zone is None or self.slot is None:
            return None
        return Event(name, zone, self.slot, venue, email, tuple(weights), in_a_row)

    # -- Days and Breaks ----------------------------------------------------------

    def _days(self) -> list[Day]:
        """One row per date, each date once, with a window start < end."""
        days: list[Day] = []
        first: dict[date, int] = {}
        for row in self.sheets["Days"].rows():
            day = row.get("date", parse_date, required=True)
            start = row.get("start", parse_time, required=True)
            end = row.get("end", parse_end_time, required=True)
            if day is not None:
                self.dates.add(day)
                if day in first:
                    row.issue("date", f"this date is already listed in row {first[day]}; list each day once")
                else:
                    first[day] = row.number
            ok = self._span_ok(row, start, end) and not row.failed
            if ok and day is not None and start is not None and end is not None:
                days.append(Day(day, start, end))
                self.windows[day] = days[-1]
        return days

    def _span_ok(self, row: Row, start: int | None, end: int | None) -> bool:
        """Whether start < end (reported on the end if not); True if either is unknown."""
        if start is None or end is None or start < end:
            return True
        hint = "; for midnight at the end of the day write 24:00" if end == 0 else ""
        row.issue("end", f"the end must come after the start ({hhmm(start)}){hint}")
        return False

    def _known_day(self, row: Row, column: str, day: date | None) -> bool:
        """Whether ``day`` is one of the Days (reported if not; True if unknowable)."""
        if day is None or day in self.dates or self.sheets["Days"].table is None:
            return True
        row.issue(column, "this date is not one of the days in the Days sheet")
        return False

    def _breaks(self) -> list[Break]:
        """Blank date = every day, else one of the Days; start < end."""
        breaks: list[Break] = []
        for row in self.sheets["Breaks"].rows():
            day = row.get("date", parse_date)
            start = row.get("start", parse_time, required=True)
            end = row.get("end", parse_end_time, required=True)
            label = row.get("label", parse_text, "")
            known = self._known_day(row, "date", day) and self._span_ok(row, start, end)
            if known and not row.failed and start is not None and end is not None:
                breaks.append(Break(day, start, end, label))
        return breaks

    # -- ids and references -------------------------------------------------------

    def _register(self, row: Row, sheet: str, column: str) -> str | None:
        """Reads a row's own id: unique in its sheet and across the shared namespace."""
        id_ = row.get(column, parse_id, required=True)
        if id_ is None:
            return None
        entity = _ENTITIES[sheet]
        owners = self.ids.setdefault(id_, {})
        if entity in owners:
            row.issue(column, f"this id is already used in row {owners[entity][1]}; ids must be unique")
        elif owners:
            other, (label, number) = next(iter(owners.items()))
            row.issue(
                column,
                f"this id is already the id of a {other} ({label}, row {number}); participant, group, "
                "room and session ids must all differ",
            )
        else:
            owners[entity] = (row.sheet.label, row.number)
        return id_

    def _refer(self, row: Row, column: str, ids: Sequence[str], entities: tuple[str, ...]) -> None:
        """Notes references to check once every id is known."""
        self.references.extend((row, column, id_, entities) for id_ in ids)

    def _check_references(self) -> None:
        # Where a sheet or its id column is missing (reported already), any id might be there.
        unknowable = set()
        for name, entity in _ENTITIES.items():
            table, (required, _, needed) = self.sheets[name].table, SHEETS[name]
            if (table is None and needed) or (table is not None and required[0] not in table.columns):
                unknowable.add(entity)
        hints: dict[tuple[str, ...], _Hints] = {}
        for row, column, id_, entities in self.references:
            owners = self.ids.get(id_, {})
            if any(e in owners or e in unknowable for e in entities):
                continue
            wanted = (
                " or ".join(entities)
                if len(entities) < 3
                else f"{', '.join(entities[:-1])} or {entities[-1]}"
            )
            if owners:
                message = f"this is the id of a {next(iter(owners))}, but a {wanted} id is expected here"
            else:
                if entities not in hints:
                    hints[entities] = _Hints(i for i, o in self.ids.items() if any(e in o for e in entities))
                message = f"no {wanted} has this id{hints[entities](id_)}"
            row.issue(column, message, id_)

    # -- Rooms, Groups, Participants ------------------------------------------------

    def _rooms(self) -> list[Room]:
        rooms: list[Room] = []
        for row in self.sheets["Rooms"].rows():
            id_ = self._register(row, "Rooms", "room_id")
            name = row.get("name", parse_text, "")
            capacity = row.get("capacity", parse_positive, required=True)
            features = row.get("features", parse_features, _NO_FEATURES)
            building = row.get("building", parse_text, "")
            if not row.failed and id_ is not None and capacity is not None:
                rooms.append(Room(id_, name or id_, capacity, features, building))
        return rooms

    def _groups(self) -> list[Group]:
        groups: list[Group] = []
        for row in self.sheets["Groups"].rows():
            id_ = self._register(row, "Groups", "group_id")
            name = row.get("name", parse_text, "")
            leads = row.get("leads", parse_list, _NO_IDS)
            self._refer(row, "leads", leads, ("participant",))
            if not row.failed and id_ is not None:
                groups.append(Group(id_, name or id_, leads))
        return groups

    def _participants(self) -> list[Participant]:
        people: list[Participant] = []
        for row in self.sheets["Participants"].rows():
            id_ = self._register(row, "Participants", "participant_id")
            texts = {c: row.get(c, parse_text, "") for c in ("name", "institution", "role", "email")}
            groups = row.get("groups", parse_list, _NO_IDS)
            self._refer(row, "groups", groups, ("group",))
            if not row.failed and id_ is not None:
                people.append(
                    Participant(
                        id_, texts["name"] or id_, texts["institution"], texts["role"], texts["email"], groups
                    )
                )
        return people

    # -- Sessions -----------------------------------------------------------------

    def _sessions(self) -> list[Session]:
        sessions: list[Session] = []
        for row in self.sheets["Sessions"].rows():
            id_ = self._register(row, "Sessions", "session_id")
            title = row.get("title", parse_text, "")
            kind = row.get("kind", parse_kind, required=True)
            duration = self._duration(row)
            lists = {c: row.get(c, parse_list, _NO_IDS) for c in ("groups", "required", "optional")}
            self._refer(row, "groups", lists["groups"], ("group",))
            self._refer(row, "required", lists["required"], ("participant", "group"))
            self._refer(row, "optional", lists["optional"], ("participant", "group"))
            features = row.get("features", parse_features, _NO_FEATURES)
            attendance = row.get("attendance", parse_positive)
            day = row.get("day", parse_date)
            self._known_day(row, "day", day)
            start = row.get("start", parse_time)
            if start is not None:
                self._check_fixed_start(row, day, start, duration)
            room = row.get("room", parse_id)
            if room is not None:
                self._refer(row, "room", (room,), ("room",))
            prefer_day = row.get("prefer_day", parse_dates, _NO_DATES)
            prefer_time = row.get("prefer_time", parse_prefer_time, "")
            if not row.failed and id_ is not None and kind is not None and duration is not None:
                sessions.append(
                    Session(
                        id=id_,
                        title=title or id_,
                        kind=Kind(kind),
                        duration=duration,
                        groups=lists["groups"],
                        required=lists["required"],
                        optional=lists["optional"],
                        features=features,
                        attendance=attendance,
                        day=day,
                        start=start,
                        room=room,
                        prefer_day=prefer_day,
                        prefer_time=prefer_time,
                    )
                )
        return sessions

    def _duration(self, row: Row) -> int | None:
        """duration_min: positive, a multiple of the slot, no longer than the longest day."""
        duration = row.get("duration_min", parse_positive, required=True)
        if duration is None:
            return None
        if self.slot is not None and duration % self.slot:
            row.issue("duration_min", f"{duration} is not a multiple of the {self.slot}-minute slot")
            return None
        longest = max(self.windows.values(), key=lambda d: d.end - d.start, default=None)
        if longest is not None and duration > longest.end - longest.start:
            row.issue(
                "duration_min",
                f"a {duration}-minute session is longer than the longest day "
                f"({longest.end - longest.start} minutes, on {longest.date})",
            )
            return None
        return duration

    def _check_fixed_start(self, row: Row, day: date | None, start: int, duration: int | None) -> None:
        """A fixed start lies on the slot grid of its day and leaves room for the session."""
        if self.slot is None:
            return
        if day is not None:
            window = self.windows.get(day)
            reason = _why_not_fits(window, start, duration, self.slot) if window else ""
            if reason:
                row.issue("start", reason)
        elif self.windows and all(
            _why_not_fits(w, start, duration, self.slot) for w in self.windows.values()
        ):
            length = f"a {duration}-minute session" if duration else "the session"
            row.issue(
                "start",
                f"starting at {hhmm(start)}, {length} fits no day: a start must be on the "
                f"{self.slot}-minute grid counted from the day's start and leave time before the day ends",
            )

    # -- Unavailability and Dependencies ------------------------------------------

    def _unavailability(self) -> list[Unavailability]:
        """who: any id; date blank = every day; start and end both given or both blank."""
        found: list[Unavailability] = []
        for row in self.sheets["Unavailability"].rows():
            who = row.get("who", parse_id, required=True)
            if who is not None:
                self._refer(row, "who", (who,), ("participant", "group", "room", "session"))
            day = row.get("date", parse_date)
            start = row.get("start", parse_time)
            end = row.get("end", parse_end_time)
            for given, missing in (("start", "end"), ("end", "start")):
                if row.blank(missing) and not row.blank(given):
                    row.issue(
                        missing,
                        f"{given} is given but {missing} is not: give both, or neither for the whole day",
                    )
            if self._span_ok(row, start, end) and not row.failed and who is not None:
                found.append(Unavailability(who, day, start, end))
        return found

    def _dependencies(self) -> tuple[list[Dependency], list[tuple[str, str, int]]]:
        """Known sessions, a known relation, gap_min >= 0; also the edges that order sessions."""
        found: list[Dependency] = []
        ordering: list[tuple[str, str, int]] = []
        for row in self.sheets["Dependencies"].rows():
            first = row.get("first", parse_id, required=True)
            second = row.get("second", parse_id, required=True)
            relation = row.get("relation", parse_relation, required=True)
            gap = row.get("gap_min", parse_non_negative, 0)
            for column, id_ in (("first", first), ("second", second)):
                if id_ is not None:
                    self._refer(row, column, (id_,), ("session",))
            if first is not None and first == second:
                row.issue("second", "a session cannot depend on itself")
            if relation == Relation.BACK_TO_BACK.value and self.slot is not None and gap % self.slot:
                # Starts and durations are on the day's grid, so an end is too: a start
                # exactly gap_min later is on it only if gap_min is a multiple of the slot.
                row.issue(
                    "gap_min",
                    f"back_to_back starts the second session exactly {gap} minutes after the first "
                    f"ends, which is off the {self.slot}-minute slot grid; use a multiple of {self.slot} "
                    "(or before, for at least that gap)",
                )
            if first is None or second is None or relation is None or first == second:
                continue
            if relation in (Relation.BEFORE.value, Relation.BACK_TO_BACK.value):
                ordering.append((first, second, row.number))
            if not row.failed:
                found.append(Dependency(first, second, Relation(relation), gap))
        return found, ordering

    def _check_cycles(self, ordering: list[tuple[str, str, int]]) -> None:
        """``before`` and ``back_to_back`` put sessions in order: a cycle cannot be kept."""
        row_of: dict[tuple[str, str], int] = {}
        for first, second, number in ordering:
            if all("session" in self.ids.get(s, {}) for s in (first, second)):
                row_of.setdefault((first, second), number)
        graph: dict[str, set[str]] = {}
        for first, second in row_of:
            graph.setdefault(second, set()).add(first)  # graphlib wants each node's predecessors
        sheet = self.sheets["Dependencies"]
        while True:
            try:
                graphlib.TopologicalSorter(graph).prepare()
                return
            except graphlib.CycleError as err:
                found: list[str] = err.args[1]
            # Read the cycle from its dependency highest in the sheet.
            edges = list(itertools.pairwise(found))
            top = min(range(len(edges)), key=lambda i: row_of[edges[i]])
            cycle = found[top:-1] + found[:top] + [found[top]]
            rows = sorted(row_of[edge] for edge in edges)
            sheet.issue(
                rows[0],
                None,
                "",
                f"the before/back_to_back dependencies in rows {', '.join(map(str, rows))} form a cycle, "
                f"{' → '.join(cycle)}, so no order of the sessions can keep them all",
            )
            # Drop the cycle's sessions to look for cycles elsewhere.
            graph = {n: p - set(cycle) for n, p in graph.items() if n not in cycle}


def _why_not_fits(day: Day, start: int, duration: int | None, slot: int) -> str:
    """Why a session starting at ``start`` cannot run on ``day`` ('' if it can)."""
    window = f"{day.date} runs {hhmm(day.start)}–{hhmm(day.end)}"
    if start < day.start:
        return f"the session would start before the day begins ({window})"
    if (start - day.start) % slot:
        return f"not on the {slot}-minute grid counted from the day's start ({window})"
    if duration is not None and start + duration > day.end:
        ends = hhmm(start + duration)
        return f"a {duration}-minute session would end at {ends}, after the day ends ({window})"
    if start >= day.end:
        return f"the session would start after the day ends ({window})"
    return ""
