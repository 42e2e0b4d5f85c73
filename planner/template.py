"""The blank input workbook an organiser starts from (``planner template FILE.xlsx``).

It is the input workbook of a tiny example meeting, written by
:func:`planner.workbook_writer.build_workbook` (so it has the spec's sheets and
columns, real date and time cells, and text that is never a formula), with on top:
a note on every column header (a cell comment, which the reader never sees, unlike
a help row, which it would read as data), drop-down lists, whole-number checks and
date and time formats on whole columns, so that rows the organiser adds get them
too. Read back as it is, it is valid input, and it can be solved.

The example has one row per sheet, except Sessions: a dependency needs two sessions.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from planner.model import (
    DEFAULT_MAX_IN_A_ROW,
    DEFAULT_WEIGHTS,
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
)
from planner.rules import SoftGoal
from planner.validation import MAX_WHOLE
from planner.validation import SHEETS as CONTRACT
from planner.workbook_writer import DEFAULT_STAMP, SHEETS, TIME_COLUMNS, _reproducible, build_workbook

__all__ = ["LAST_ROW", "NOTES", "example_problem", "template_bytes", "template_workbook", "write_template"]

#: Drop-downs, number checks and formats reach down to this row, so added rows get them.
LAST_ROW = 1000

EXAMPLE_DAY = date(2026, 3, 10)

#: Columns holding dates; the workbook formats them (and new cells in them) as dates.
DATE_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {
        ("Days", "date"),
        ("Breaks", "date"),
        ("Sessions", "day"),
        ("Sessions", "prefer_day"),
        ("Unavailability", "date"),
    }
)

#: Columns whose cell is one value of a fixed list: a drop-down.
LISTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Sessions", "kind"): tuple(k.value for k in Kind),
    ("Sessions", "prefer_time"): ("morning", "afternoon"),
    ("Dependencies", "relation"): tuple(r.value for r in Relation),
}

#: Columns of whole numbers, with the least value the reader accepts (the most is MAX_WHOLE).
WHOLE_NUMBERS: dict[tuple[str, str], int] = {
    ("Rooms", "capacity"): 1,
    ("Sessions", "duration_min"): 1,
    ("Sessions", "attendance"): 1,
    ("Dependencies", "gap_min"): 0,
}

#: The Event sheet's keys, each with its note; a value of a whole number also has its least value.
EVENT_KEYS: dict[str, tuple[str, int | None]] = {
    "name": ("Required. The event's name, shown in the schedule and the calendars.", None),
    "timezone": (
        "Required. The event's time zone as an IANA name, e.g. Europe/Stockholm, Europe/Lisbon, "
        "America/New_York. Every date and time in this workbook is local time there.",
        None,
    ),
    "slot_minutes": (
        "Optional, default 15. Sessions start on a grid of this many minutes, counted from each "
        "day's start; every duration_min must be a multiple of it. A whole number.",
        1,
    ),
    "venue": ("Optional. The venue, put before the room in calendar locations.", None),
    "organiser_email": (
        "Optional. The organiser's e-mail address, the ORGANIZER of calendar invitations.",
        None,
    ),
    "weight_optional_clash": (
        f"Optional, default {DEFAULT_WEIGHTS['optional_clash']}. Penalty for each time an optional "
        "attendee cannot attend (another of their sessions overlaps, or they are away). "
        "A whole number; 0 ignores optional attendees.",
        0,
    ),
    "weight_room_fit": (
        f"Optional, default {DEFAULT_WEIGHTS['room_fit']}. Penalty for each empty seat in the room a "
        "session is given: keeps small sessions out of big rooms. A whole number.",
        0,
    ),
    "weight_change": (
        f"Optional, default {DEFAULT_WEIGHTS['change']}. Used only when re-planning from a previous "
        "schedule (planner solve --previous): penalty per point of change, a new room 1, a new time "
        "the same day 2, another day 3. A whole number.",
        0,
    ),
    "max_in_a_row": (
        f"Optional, default {DEFAULT_MAX_IN_A_ROW}. How many sessions back to back a person may have "
        "before each further one costs weight_in_a_row. A whole number, 1 or more.",
        1,
    ),
}
for _goal in SoftGoal:  # a note for every other weight: the goal in the organiser's words
    EVENT_KEYS.setdefault(
        f"weight_{_goal.value}",
        (
            f"Optional, default {DEFAULT_WEIGHTS.get(_goal.value, 0)}. Penalty for each unit of: "
            f"{_goal.text}. A whole number; 0 leaves it out.",
            0,
        ),
    )

#: A note on each column, in the organiser's words: what it means, its form, an example,
#: and whether it is required (as planner.validation reads it).
NOTES: dict[str, dict[str, str]] = {
    "Event": {
        "key": (
            "Required. One setting per row: name and timezone (both required), slot_minutes, venue, "
            "organiser_email, and weight_... for the soft goals. Pick from the list or type; "
            "not case-sensitive. Each key's own note says more."
        ),
        "value": "Required. The setting's value, e.g. Europe/Stockholm for timezone, 15 for slot_minutes.",
    },
    "Days": {
        "date": "Required. One row per day of the meeting, each date once. A date, e.g. 2026-03-10.",
        "start": (
            "Required. The earliest time a session may start that day, HH:MM in 24-hour form, "
            "e.g. 09:00. Start times are counted on the slot grid from here."
        ),
        "end": (
            "Required. The time by which every session of the day has ended, HH:MM, e.g. 17:00. "
            "For midnight at the end of the day write 24:00."
        ),
    },
    "Breaks": {
        "date": "Optional. The date of the break, one of the Days; leave blank for a break on every day.",
        "start": "Required. When the break starts, HH:MM, e.g. 12:00.",
        "end": (
            "Required. When the break ends, HH:MM, e.g. 13:00. No session overlaps a break; "
            "one may end exactly when it starts."
        ),
        "label": "Optional. What the break is, e.g. Lunch or Coffee; shown in the day grids.",
    },
    "Rooms": {
        "room_id": (
            "Required. A short unique id, e.g. R101. Ids are case-sensitive and must differ from "
            "every participant, group and session id."
        ),
        "name": "Optional. The room's name in the schedule, e.g. Aula; blank means the id.",
        "capacity": "Required. The number of seats, a whole number from 1, e.g. 40.",
        "features": (
            "Optional. What the room offers, separated by commas, e.g. projector, hybrid. Any words "
            "(not case-sensitive); a session that needs features gets a room with all of them."
        ),
        "building": "Optional. The building or floor, for your information.",
    },
    "Groups": {
        "group_id": (
            "Required. A unique id, e.g. WP1. Any set of people: a working group, a work package, "
            "a board. Must differ from every participant, room and session id."
        ),
        "name": "Optional. The group's full name, e.g. Work package 1; blank means the id.",
        "leads": (
            "Optional. Participant ids of the group's leads, separated by commas, e.g. P001, P007. "
            "Leads are members even if their own row does not list the group."
        ),
    },
    "Participants": {
        "participant_id": (
            "Required. A unique id, e.g. P001. Must differ from every group, room and session id."
        ),
        "name": "Optional. The person's name, e.g. Alex Andersson; blank means the id.",
        "institution": "Optional. The person's institution, e.g. Halmstad University.",
        "role": "Optional. E.g. WP lead, student, rector; for your information.",
        "email": "Optional. The person's e-mail address.",
        "groups": (
            "Optional. Group ids this person belongs to, separated by commas, e.g. WP1, WP3. "
            "They must then attend every session of those groups."
        ),
    },
    "Sessions": {
        "session_id": (
            "Required. A unique id, e.g. S01. Must differ from every participant, group and room id."
        ),
        "title": "Optional. Shown in the schedule and calendars, e.g. WP1 kick-off; blank means the id.",
        "kind": (
            "Required. Pick from the list: plenary (for everyone: nothing else runs at the same "
            "time), working_group, cross_package or other."
        ),
        "duration_min": (
            "Required. The length in whole minutes, a multiple of slot_minutes (Event sheet), e.g. 60 or 90."
        ),
        "groups": (
            "Optional. Group ids, separated by commas, e.g. WP1, WP2: every member of these groups "
            "must attend (a hard rule)."
        ),
        "required": (
            "Optional. Participant or group ids who must attend as well, separated by commas, "
            "e.g. P001, BOARD (a hard rule)."
        ),
        "optional": (
            "Optional. Participant or group ids who would like to attend, separated by commas. "
            "The planner avoids their clashes where it can (a soft goal)."
        ),
        "features": (
            "Optional. Room features the session needs, separated by commas, e.g. projector, hybrid."
        ),
        "attendance": (
            "Optional. The expected head count, a whole number, for the room's size. Blank: the "
            "number of people named in groups, required and optional; for a plenary, everyone."
        ),
        "day": "Optional. Fixes the date, one of the Days, e.g. 2026-03-10.",
        "start": (
            "Optional. Fixes the start time, HH:MM, on the slot grid counted from the day's start. "
            "Without day, the session starts then on some day."
        ),
        "room": "Optional. Fixes the room: a room_id from the Rooms sheet.",
        "prefer_day": (
            "Optional. A wish, not a rule: preferred dates, separated by commas, e.g. 2026-03-10, 2026-03-11."
        ),
        "prefer_time": "Optional. A wish, not a rule: pick morning or afternoon from the list.",
    },
    "Unavailability": {
        "who": (
            "Required. A participant, group, room or session id. A person is not required anywhere "
            "then; a group means each member; a room is not used; a session does not run."
        ),
        "date": "Optional. The date; leave blank for every day.",
        "start": "Optional. From HH:MM, e.g. 16:00. Leave start and end blank for the whole day.",
        "end": "Optional. Until HH:MM, e.g. 17:00; give it whenever start is given (24:00 for midnight).",
    },
    "Dependencies": {
        "first": "Required. A session_id.",
        "second": "Required. Another session_id.",
        "relation": (
            "Required. Pick from the list: before (first ends at least gap_min before second starts), "
            "same_day, different_day, not_parallel (never at the same time), back_to_back (second "
            "starts exactly gap_min after first ends, the same day)."
        ),
        "gap_min": (
            "Optional, default 0. Minutes between the two, a whole number; used by before and "
            "back_to_back only."
        ),
    },
}

_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")  # required columns' headers
_MIN_WIDTH = 14  # room for a date, a time and a drop-down's arrow
_NOTE_WIDTH = 280  # points


def example_problem() -> Problem:
    """The tiny meeting the template holds: one day, one room, one group of one person,
    an opening plenary fixed at the day's start and a working group after it."""
    day = EXAMPLE_DAY
    # weight_change is left out: it matters only when re-planning, and a value written here
    # would outlive a change of its default.
    weights = tuple((goal, DEFAULT_WEIGHTS[goal]) for goal in ("optional_clash", "room_fit"))
    return Problem(
        event=Event(
            name="Example meeting",
            timezone="Europe/Stockholm",
            slot_minutes=15,
            venue="Example University",
            organiser_email="organiser@example.org",
            weights=weights,
        ),
        days=(Day(day, 9 * 60, 17 * 60),),
        breaks=(Break(None, 12 * 60, 13 * 60, "Lunch"),),
        rooms=(Room("R1", "Room 1", 20, frozenset({"projector", "hybrid"}), "Main building"),),
        groups=(Group("WP1", "Work package 1", ("P1",)),),
        participants=(
            Participant("P1", "Alex Example", "Example University", "WP lead", "alex@example.org", ("WP1",)),
        ),
        sessions=(
            Session("S1", "Opening", Kind.PLENARY, 30, day=day, start=9 * 60, room="R1"),
            Session(
                "S2",
                "WP1 meeting",
                Kind.WORKING_GROUP,
                60,
                groups=("WP1",),
                features=frozenset({"projector"}),
                attendance=8,
                prefer_time="morning",
            ),
        ),
        unavailability=(Unavailability("P1", day, 16 * 60, 17 * 60),),
        dependencies=(Dependency("S1", "S2", Relation.BEFORE, 15),),
    )


def template_workbook() -> Workbook:
    """The template as an openpyxl Workbook (not yet saved)."""
    wb = build_workbook(example_problem())
    for name, header in SHEETS.items():
        ws = wb[name]
        required = CONTRACT[name][0]
        for c, column in enumerate(header, start=1):
            letter = get_column_letter(c)
            cell = ws.cell(row=1, column=c)
            cell.comment = _note(NOTES[name][column])
            if column in required:
                cell.fill = _REQUIRED_FILL
            dim = ws.column_dimensions[letter]
            dim.width = max(dim.width or 0, _MIN_WIDTH)
            # A column's format is what new cells typed into it get.
            if (name, column) in DATE_COLUMNS:
                dim.number_format = "yyyy-mm-dd"
            elif (name, column) in TIME_COLUMNS:
                dim.number_format = "hh:mm"
            cells = f"{letter}2:{letter}{LAST_ROW}"
            if (name, column) in LISTS:
                _add(ws, _choice(LISTS[name, column]), cells)
            if (name, column) in WHOLE_NUMBERS:
                _add(ws, _whole(WHOLE_NUMBERS[name, column]), cells)
    _event_keys(wb["Event"])
    return wb


def template_bytes() -> bytes:
    """The template as xlsx bytes (the same bytes every time), e.g. for a download."""
    buffer = io.BytesIO()
    template_workbook().save(buffer)
    return _reproducible(buffer.getvalue(), DEFAULT_STAMP)


def write_template(path: str | Path) -> Path:
    """Write the template workbook at ``path``; returns the path."""
    path = Path(path)
    path.write_bytes(template_bytes())
    return path


def _event_keys(ws: Worksheet) -> None:
    """Notes on the example's keys, a drop-down of the known keys (other keys still allowed:
    any ``weight_<goal>`` is valid), and whole-number checks on the numeric values."""
    keys = list(EVENT_KEYS)
    _add(ws, _choice(keys, strict=False), f"A2:A{LAST_ROW}")
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, len(max(keys, key=len)) + 4)
    for row in range(2, ws.max_row + 1):
        key = ws.cell(row=row, column=1).value
        if key not in EVENT_KEYS:
            continue
        note, least = EVENT_KEYS[key]
        ws.cell(row=row, column=1).comment = _note(note)
        if least is not None:
            _add(ws, _whole(least), f"B{row}")


def _note(text: str) -> Comment:
    note = Comment(text, "planner")
    note.width = _NOTE_WIDTH
    note.height = 20 + 15 * (len(text) // 45 + 1)  # about 45 characters a line
    return note


def _add(ws: Worksheet, validation: DataValidation, cells: str) -> None:
    validation.add(cells)
    ws.add_data_validation(validation)


def _choice(values: list[str] | tuple[str, ...], *, strict: bool = True) -> DataValidation:
    """A drop-down of ``values``; ``strict`` warns about any other value typed in."""
    return DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=strict,
        errorStyle="warning",  # the reader also takes "Working group", "PLENARY", ...
        errorTitle="Not in the list",
        error="Pick one of: " + ", ".join(values) + ".",
    )


def _whole(least: int) -> DataValidation:
    """Whole numbers from ``least`` up to the reader's cap."""
    return DataValidation(
        type="whole",
        operator="between",
        formula1=str(least),
        formula2=str(MAX_WHOLE),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="A whole number",
        error=f"Type a whole number from {least} to {MAX_WHOLE:,}.",
    )
