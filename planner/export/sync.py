"""Keeping calendars in step across exports: stable UIDs, SEQUENCE and cancellations.

A calendar that imported an earlier export updates an event only if the new copy
has the same UID and a higher SEQUENCE (RFC 5545/5546; Google Calendar and Outlook
ignore a re-import otherwise). So:

- a session's UID depends only on the event's name and the session's id: the same
  in every export and after every re-plan;
- SEQUENCE starts at 0; a re-plan (``--previous``) raises it by one for a session
  whose date, start, end or room changed, and keeps it for every other session;
- a session of the previous schedule that is no longer scheduled gets a
  cancellation: the same UID, SEQUENCE raised, STATUS:CANCELLED.

The SEQUENCE last told to calendars is remembered in the ``Calendar`` sheet of
``schedule.xlsx``: re-planning from that workbook keeps counting up (a session moved
twice gets 2); from a ``schedule.csv``, which has no such column, counting restarts
from 0, so a session moved again gets 1 again and clients fall back on DTSTAMP.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import InputError
from planner.model import Assignment, Event, Problem, Schedule
from planner.reader import Table, read_csv_table, read_problem, read_workbook
from planner.schedule_io import read_schedule
from planner.validation import CellError, parse_date, parse_end_time, parse_time, parse_whole

#: The namespace of session UIDs (a fixed, arbitrary UUID: changing it would duplicate every event).
UID_NAMESPACE = uuid.UUID("6f1d2c3e-8a4b-5c6d-9e0f-1a2b3c4d5e6f")

#: The sheet of schedule.xlsx that records what calendars were told.
CALENDAR_SHEET = "Calendar"
CALENDAR_COLUMNS = ("session_id", "title", "status", "sequence", "uid", "date", "start", "end", "room_id")

CONFIRMED, CANCELLED = "confirmed", "cancelled"


def session_uid(event: Event, session_id: str) -> str:
    """The UID of a session in every calendar: a UUID derived from the event's name and the id."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{event.name}\x1f{session_id}"))


@dataclass(frozen=True)
class Told:
    """What calendars were last told about one session (a row of the Calendar sheet)."""

    sequence: int
    cancelled: bool
    assignment: Assignment
    end: int | None
    title: str


@dataclass(frozen=True)
class Previous:
    """The schedule a re-plan starts from, and what the file says beyond where and when."""

    schedule: Schedule
    titles: dict[str, str] = field(default_factory=dict)
    ends: dict[str, int] = field(default_factory=dict)
    #: From the Calendar sheet of a schedule workbook; empty for a schedule.csv.
    told: dict[str, Told] = field(default_factory=dict)
    #: Who attended each session (required or optional), when the file also holds the input.
    attendees: dict[str, frozenset[str]] | None = None


@dataclass(frozen=True)
class Entry:
    """One session as calendars get it in this export."""

    session_id: str
    uid: str
    sequence: int
    status: str  # CONFIRMED or CANCELLED
    assignment: Assignment  # for a cancelled session: where and when it was
    end: int | None  # minutes after midnight; None if unknown (a cancelled session)
    title: str
    #: A cancellation made by this export (not one carried over from an earlier one).
    new_cancellation: bool = False

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED


def calendar_plan(problem: Problem, schedule: Schedule, previous: Previous | None = None) -> list[Entry]:
    """Every session calendars hear of, in time order: the scheduled ones, then the cancelled ones."""
    prev = previous or Previous(Schedule())
    before = prev.schedule.by_session
    entries: list[Entry] = []
    scheduled: set[str] = set()
    ordered = sorted(schedule.assignments, key=lambda a: (a.date, a.start, a.room_id, a.session_id))
    for a in ordered:
        session = problem.session_by_id.get(a.session_id)
        if session is None or a.session_id in scheduled:
            continue
        scheduled.add(a.session_id)
        end = a.start + session.duration
        told = prev.told.get(a.session_id)
        sequence = told.sequence if told is not None else 0
        old = before.get(a.session_id)
        if old is not None:
            was_end = prev.ends.get(a.session_id, end)
            if (old.date, old.start, old.room_id, was_end) != (a.date, a.start, a.room_id, end):
                sequence += 1
        elif told is not None and told.cancelled:
            sequence += 1  # back after a cancellation: must outrank it
        entries.append(
            Entry(
                a.session_id,
                session_uid(problem.event, a.session_id),
                sequence,
                CONFIRMED,
                a,
                end,
                session.title,
            )
        )

    gone = sorted(
        (a for sid, a in before.items() if sid not in scheduled),
        key=lambda a: (a.date, a.start, a.room_id, a.session_id),
    )
    for a in gone:
        told = prev.told.get(a.session_id)
        sequence = (told.sequence if told is not None else 0) + 1
        title = prev.titles.get(a.session_id) or (told.title if told else "") or a.session_id
        old_end = prev.ends.get(a.session_id)
        uid = session_uid(problem.event, a.session_id)
        entries.append(
            Entry(a.session_id, uid, sequence, CANCELLED, a, old_end, title, new_cancellation=True)
        )
    # Cancelled earlier and still gone: repeat the cancellation for calendars that missed it.
    for sid, told in sorted(prev.told.items()):
        if told.cancelled and sid not in scheduled and sid not in before:
            uid = session_uid(problem.event, sid)
            entries.append(Entry(sid, uid, told.sequence, CANCELLED, told.assignment, told.end, told.title))
    return entries


# -- reading the previous schedule -------------------------------------------------------


def read_previous(path: str | Path) -> Previous:
    """A schedule.csv or schedule.xlsx to re-plan from: where and when each session ran
    (InputError if unreadable), and what else the file can tell (titles, ends, the
    Calendar sheet's sequences, the input's attendees), read leniently."""
    path = Path(path)
    schedule = read_schedule(path)
    tables: dict[str, Table]
    if zipfile.is_zipfile(path):
        tables = read_workbook(path)
    else:
        tables = {"Sessions": read_csv_table(path)}
    titles: dict[str, str] = {}
    ends: dict[str, int] = {}
    for _, cells in tables["Sessions"].rows:
        sid = _text(cells.get("session_id"))
        if not sid:
            continue
        if _text(cells.get("title")):
            titles[sid] = _text(cells.get("title"))
        end = _value(parse_end_time, cells.get("end"))
        if end is not None:
            ends[sid] = end
    told = _told(tables.get(CALENDAR_SHEET))
    attendees = None
    if "Event" in tables:  # a schedule workbook that holds its input too
        try:
            before = read_problem(path)
        except InputError:
            before = None
        if before is not None:
            attendees = {
                s.id: before.required_people[s.id] | before.optional_people[s.id] for s in before.sessions
            }
    return Previous(schedule, titles, ends, told, attendees)


def _text(raw: object) -> str:
    return "" if raw is None else str(raw).strip()


def _value(parse, raw):  # noqa: ANN001, ANN202 - a parser of validation and a raw cell
    if raw is None or _text(raw) == "":
        return None
    try:
        return parse(raw)
    except (CellError, ValueError, TypeError):
        return None


def _told(table: Table | None) -> dict[str, Told]:
    """The Calendar sheet's rows that can be read; others are skipped (it only helps counting)."""
    out: dict[str, Told] = {}
    if table is None:
        return out
    for _, cells in table.rows:
        sid = _text(cells.get("session_id"))
        sequence = _value(parse_whole, cells.get("sequence"))
        day = _value(parse_date, cells.get("date"))
        start = _value(parse_time, cells.get("start"))
        if not sid or sequence is None or day is None or start is None:
            continue
        out[sid] = Told(
            sequence=sequence,
            cancelled=_text(cells.get("status")).lower() == CANCELLED,
            assignment=Assignment(sid, day, start, _text(cells.get("room_id"))),
            end=_value(parse_end_time, cells.get("end")),
            title=_text(cells.get("title")),
        )
    return out
