"""Schedule files: ``schedule.csv`` (and the ``Sessions`` sheet of a schedule workbook).

Writing renders a Schedule with what the Problem gives or implies (title, kind,
end, room name, attendance). Reading takes back only where and when each session
runs; whether that is a valid schedule for a problem is the checker's business,
so unknown or repeated sessions are kept as they are.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from planner.errors import InputError, InputIssue
from planner.model import Assignment, Problem, Schedule, hhmm
from planner.reader import Table, read_csv_table, read_workbook
from planner.validation import Sheet, parse_date, parse_end_time, parse_id, parse_time

#: The columns of schedule.csv, in order.
SCHEDULE_COLUMNS: tuple[str, ...] = (
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

#: The columns a schedule file must have to be read back.
REQUIRED_COLUMNS: tuple[str, ...] = ("session_id", "date", "start", "room_id")


def schedule_rows(problem: Problem, schedule: Schedule) -> list[dict[str, str]]:
    """One row per assignment, as text, sorted by date, start, room and session.

    A session or room the problem does not know keeps its id; what only the problem
    could tell (title, kind, end, room name, attendance) is left blank."""
    rows = []
    ordered = sorted(schedule.assignments, key=lambda a: (a.date, a.start, a.room_id, a.session_id))
    for a in ordered:
        session = problem.session_by_id.get(a.session_id)
        room = problem.room_by_id.get(a.room_id)
        rows.append(
            {
                "session_id": a.session_id,
                "title": session.title if session else "",
                "kind": session.kind.value if session else "",
                "date": a.date.isoformat(),
                "start": hhmm(a.start),
                "end": hhmm(a.start + session.duration) if session else "",
                "room_id": a.room_id,
                "room_name": room.name if room else "",
                "attendance": str(problem.attendance(a.session_id)) if session else "",
            }
        )
    return rows


def write_schedule_csv(problem: Problem, schedule: Schedule, path: str | Path) -> None:
    """Writes ``schedule.csv``: UTF-8, a header of SCHEDULE_COLUMNS, one row per session."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SCHEDULE_COLUMNS)
        writer.writeheader()
        writer.writerows(schedule_rows(problem, schedule))


def read_schedule(path: str | Path, problem: Problem | None = None) -> Schedule:
    """The assignments of a schedule.csv, or of the ``Sessions`` sheet of a schedule workbook,
    in file order; a repeated session stays repeated.

    With the ``problem`` the schedule is for, an ``end`` that is given must be where the
    session's duration ends it: the duration is the input's, and an end edited in the
    schedule (to lengthen a session, say) would otherwise pass unnoticed.

    Raises InputError naming file, row, column and value for anything unreadable."""
    path = Path(path)
    table, label = _schedule_table(path)
    issues: list[InputIssue] = []
    sheet = Sheet(table, issues, REQUIRED_COLUMNS, SCHEDULE_COLUMNS, label=label)
    assignments = []
    for row in sheet.rows():
        session_id = row.get("session_id", parse_id, required=True)
        day = row.get("date", parse_date, required=True)
        start = row.get("start", parse_time, required=True)
        room_id = row.get("room_id", parse_id, required=True)
        end = row.get("end", parse_end_time) if problem is not None else None
        session = problem.session_by_id.get(session_id or "") if problem is not None else None
        if end is not None and start is not None and session is not None and end != start + session.duration:
            row.issue(
                "end",
                f"session {session.id} lasts {session.duration} minutes (the input's Sessions sheet), "
                f"so from {hhmm(start)} it ends at {hhmm(start + session.duration)}; "
                "change its duration in the input, not its end here",
            )
        if session_id is not None and day is not None and start is not None and room_id is not None:
            assignments.append(Assignment(session_id, day, start, room_id))
    if issues:
        raise InputError(issues)
    return Schedule(tuple(assignments))


def _schedule_table(path: Path) -> tuple[Table, str]:
    """The table holding the schedule, and the label that names it in messages."""
    if not path.is_file():
        what = "is a folder, not a schedule file" if path.is_dir() else "there is no such file"
        raise InputError([InputIssue(str(path), None, None, "", what)])
    if not zipfile.is_zipfile(path):  # an .xlsx is a zip archive; anything else is read as CSV
        return read_csv_table(path), path.name
    tables = read_workbook(path)
    if "Sessions" not in tables:
        raise InputError([InputIssue(path.name, None, None, "", "the workbook has no sheet named Sessions")])
    table = tables["Sessions"]
    return table, f"{path.name}, sheet {table.source}"
