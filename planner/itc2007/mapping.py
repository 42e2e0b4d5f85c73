"""An ITC2007 track 2 instance as the planner's own Problem, and back.

Five weekdays of nine one-hour slots (09:00-18:00, UTC); timeslot t is day
t // 9 at 09:00 + (t % 9) hours. Each event is a 60-minute session (kind
other) that its students are required at, seated by its student count; each
room keeps its size and features (``f0``, ``f1``, ...); a forbidden timeslot
is the session's Unavailability, a precedence pair a ``before`` dependency
with no gap. Only the competition's three soft costs are weighed: late_finish,
in_a_row (more than two in a row) and single_day, each 1; every other goal 0.
"""

from __future__ import annotations

from datetime import date, timedelta

from planner.itc2007.tim import DAYS, SLOTS, SLOTS_PER_DAY, Instance
from planner.model import (
    Day,
    Dependency,
    Event,
    Kind,
    Participant,
    Problem,
    Relation,
    Room,
    Schedule,
    Session,
    Unavailability,
)

FIRST_DAY = date(2007, 1, 1)  # a Monday
DAY_START = 9 * 60
SLOT_MINUTES = 60

#: The competition's soft costs count once each; the planner's other goals not at all.
WEIGHTS: tuple[tuple[str, int], ...] = (
    ("late_finish", 1),
    ("in_a_row", 1),
    ("single_day", 1),
    ("optional_clash", 0),
    ("room_fit", 0),
    ("preference", 0),
    ("group_room", 0),
    ("idle_gap", 0),
    ("cross_day", 0),
    ("fair_person", 0),
    ("fair_institution", 0),
    ("change", 0),
)
#: A run of more than this many back-to-back events costs a point per extra event.
MAX_IN_A_ROW = 2

#: Solution of an instance: per event, (timeslot, room) or None when unplaced.
Solution = list[tuple[int, int] | None]


def dates() -> list[date]:
    return [FIRST_DAY + timedelta(days=d) for d in range(DAYS)]


def slot_time(t: int) -> tuple[date, int]:
    """Timeslot index -> (date, start minute)."""
    return dates()[t // SLOTS_PER_DAY], DAY_START + (t % SLOTS_PER_DAY) * SLOT_MINUTES


def event_id(e: int) -> str:
    return f"e{e}"


def student_id(s: int) -> str:
    return f"s{s}"


def room_id(r: int) -> str:
    return f"r{r}"


def feature(f: int) -> str:
    return f"f{f}"


def _event() -> Event:
    return Event(
        "ITC2007 track 2", "UTC", slot_minutes=SLOT_MINUTES, weights=WEIGHTS, max_in_a_row=MAX_IN_A_ROW
    )


def to_problem(inst: Instance) -> Problem:
    """The planner Problem whose schedules are exactly the instance's feasible timetables."""
    days = tuple(Day(d, DAY_START, DAY_START + SLOTS_PER_DAY * SLOT_MINUTES) for d in dates())
    rooms = tuple(
        Room(room_id(r), f"Room {r}", size, frozenset(feature(f) for f in inst.room_features[r]))
        for r, size in enumerate(inst.room_sizes)
    )
    participants = tuple(
        Participant(student_id(s), f"Student {s}", institution="ITC2007") for s in range(inst.n_students)
    )
    sessions = tuple(
        Session(
            event_id(e),
            f"Event {e}",
            Kind.OTHER,
            SLOT_MINUTES,
            required=tuple(student_id(s) for s in sorted(inst.attendees[e])),
            features=frozenset(feature(f) for f in inst.event_features[e]),
            attendance=len(inst.attendees[e]),
        )
        for e in range(inst.n_events)
    )
    unavailability: list[Unavailability] = []
    for e in range(inst.n_events):
        for start, end in _forbidden_runs(inst.allowed[e]):
            d, minute = slot_time(start)
            unavailability.append(
                Unavailability(event_id(e), d, minute, minute + (end - start) * SLOT_MINUTES)
            )
    dependencies = tuple(Dependency(event_id(i), event_id(j), Relation.BEFORE, 0) for i, j in inst.precedence)
    return Problem(
        event=_event(),
        days=days,
        rooms=rooms,
        participants=participants,
        sessions=sessions,
        unavailability=tuple(unavailability),
        dependencies=dependencies,
    )


def _forbidden_runs(allowed: frozenset[int]) -> list[tuple[int, int]]:
    """Forbidden timeslots as maximal [start, end) runs within one day."""
    runs: list[tuple[int, int]] = []
    for t in range(SLOTS):
        if t in allowed:
            continue
        if runs and runs[-1][1] == t and t % SLOTS_PER_DAY != 0:
            runs[-1] = (runs[-1][0], t + 1)
        else:
            runs.append((t, t + 1))
    return runs


def to_solution(inst: Instance, schedule: Schedule) -> Solution:
    """A planner Schedule as (timeslot, room) per event; events it lacks are unplaced."""
    day_index = {d: k for k, d in enumerate(dates())}
    out: Solution = []
    for e in range(inst.n_events):
        a = schedule.by_session.get(event_id(e))
        if a is None:
            out.append(None)
            continue
        hour, rest = divmod(a.start - DAY_START, SLOT_MINUTES)
        if rest or not 0 <= hour < SLOTS_PER_DAY or a.date not in day_index or not a.room_id.startswith("r"):
            raise ValueError(f"event {e}: {a} is not on the ITC2007 grid")
        out.append((day_index[a.date] * SLOTS_PER_DAY + hour, int(a.room_id[1:])))
    return out
