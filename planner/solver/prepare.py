"""Turn a Problem into integer data for the solver: slots, candidate starts, candidate rooms.

"The data schema should be fully prepared for the optimisation": the CP-SAT
model sees only indices. Here, every hard rule that concerns one session alone
(day windows, the slot grid, breaks, fixed values, the session's and its
required people's unavailability, room capacity and features) is applied by
pruning, so the model never has to state it. A session left with no start or
no room makes the problem infeasible before any search, and we say which rule
did it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from planner.model import NOON, Assignment, Problem, Schedule, Session, overlaps
from planner.rules import Rule


@dataclass(frozen=True)
class Slot:
    """One cell of the time grid: a date, its index in the days, and [start, end) minutes."""

    day: int
    date: date
    start: int
    end: int
    #: Local wall-clock minutes since the first day's midnight (orders slots across days).
    timeline: int


@dataclass(frozen=True)
class Blocked:
    """Why a session lost all its starts or rooms: a rule and the organiser's sentence."""

    rule: Rule
    session_id: str
    message: str


@dataclass
class Prepared:
    """Index-based view of a problem. Session ``i`` is ``problem.sessions[i]``, room ``k``
    is ``problem.rooms[k]``; slot ``g`` is ``slots[g]`` (days concatenated in order)."""

    problem: Problem
    slot_minutes: int
    slots: list[Slot]
    length: list[int]  # per session: duration in slots
    starts: list[list[int]]  # per session: candidate start slots
    rooms: list[list[int]]  # per session: candidate rooms
    room_blocked: list[list[tuple[int, int]]]  # per room: [first slot, end slot) ranges closed
    blocked: list[Blocked]
    #: per session and candidate start: optional attendees who are away then (a clash each)
    away_optional: list[dict[int, int]]
    #: per room: its closed slots as a bitmask (bit g set: closed in slot g)
    room_closed: list[int]

    def to_schedule(self, placed: dict[int, tuple[int, int]]) -> Schedule:
        """Session index -> (start slot, room index), as a Schedule of the problem's ids."""
        return Schedule(
            tuple(
                Assignment(
                    s.id,
                    self.slots[placed[i][0]].date,
                    self.slots[placed[i][0]].start,
                    self.problem.rooms[placed[i][1]].id,
                )
                for i, s in enumerate(self.problem.sessions)
            )
        )

    def covers(self, i: int, g: int, u: int) -> bool:
        """Whether session i started at slot g is running in slot u."""
        return g <= u < g + self.length[i]

    def covering(self, i: int) -> dict[int, list[int]]:
        """Slot u -> the candidate starts of session i that make it run in u."""
        out: dict[int, list[int]] = defaultdict(list)
        for g in self.starts[i]:
            for u in range(g, g + self.length[i]):
                out[u].append(g)
        return out


def preference_missed(sess: Session, slot: Slot) -> int:
    """Preferences of a session not met by a start in ``slot`` (goal preference): 1 for
    a date off every prefer_day, 1 for the other half of the day than prefer_time."""
    missed = int(bool(sess.prefer_day) and slot.date not in sess.prefer_day)
    return missed + int(bool(sess.prefer_time) and (slot.start < NOON) != (sess.prefer_time == "morning"))


def _grid(problem: Problem) -> list[Slot]:
    step = problem.event.slot_minutes
    first = min(d.date for d in problem.days)
    slots = []
    for k, day in enumerate(sorted(problem.days, key=lambda d: d.date)):
        offset = (day.date - first).days * 24 * 60
        m = day.start
        while m + step <= day.end:
            slots.append(Slot(k, day.date, m, m + step, offset + m))
            m += step
    return slots


def prepare(problem: Problem) -> Prepared:
    """Index the problem and prune every start and room that a one-session rule forbids."""
    step = problem.event.slot_minutes
    slots = _grid(problem)
    day_slots: dict[date, list[int]] = defaultdict(list)
    for g, s in enumerate(slots):
        day_slots[s.date].append(g)

    room_index = {r.id: k for k, r in enumerate(problem.rooms)}
    room_blocked: list[list[tuple[int, int]]] = []
    for room in problem.rooms:
        closed = [g for g, s in enumerate(slots) if problem.is_unavailable(room.id, s.date, s.start, s.end)]
        room_blocked.append(_ranges(closed))
    room_closed = [sum(((1 << (b - a)) - 1) << a for a, b in ranges) for ranges in room_blocked]

    length, starts, rooms, away = [], [], [], []
    blocked: list[Blocked] = []
    for sess in problem.sessions:
        n = sess.duration // step
        length.append(n)
        required = problem.required_people[sess.id]
        optional = problem.optional_people[sess.id]
        attendance = problem.attendance(sess.id)
        fits = [
            k
            for k, r in enumerate(problem.rooms)
            if r.capacity >= attendance
            and sess.features <= r.features
            and (sess.room is None or room_index.get(sess.room) == k)
        ]
        cands: list[int] = []
        lost: dict[Rule, int] = defaultdict(int)
        away_here: dict[int, int] = {}
        for d, gs in day_slots.items():
            if sess.day is not None and sess.day != d:
                lost[Rule.FIXED_DAY] += len(gs)
                continue
            for j, g in enumerate(gs):
                start = slots[g].start
                end = start + sess.duration
                rule = _start_rule(problem, sess.id, sess.start, d, start, end, gs, j, n, required)
                if rule is None and fits and all(room_closed[k] & (((1 << n) - 1) << g) for k in fits):
                    rule = Rule.ROOM_AVAILABLE  # every room that would fit is closed then
                if rule is not None:
                    lost[rule] += 1
                    continue
                cands.append(g)
                gone = sum(1 for p in optional if problem.is_unavailable(p, d, start, end))
                if gone:
                    away_here[g] = gone
        if not cands:
            blocked.append(_no_start(problem, sess.id, lost))
        starts.append(cands)
        away.append(away_here)

        if not fits:
            blocked.append(_no_room(problem, sess.id, attendance))
        rooms.append(fits)

    return Prepared(problem, step, slots, length, starts, rooms, room_blocked, blocked, away, room_closed)


def _start_rule(
    problem: Problem,
    session_id: str,
    fixed_start: int | None,
    d: date,
    start: int,
    end: int,
    day_slot_ids: list[int],
    j: int,
    n: int,
    required: frozenset[str],
) -> Rule | None:
    """The first one-session rule that forbids starting at ``start`` on ``d``, or None."""
    if fixed_start is not None and fixed_start != start:
        return Rule.FIXED_START
    if j + n > len(day_slot_ids) or end > problem.day_by_date[d].end:
        return Rule.WITHIN_DAY
    if any(overlaps(b.start, b.end, start, end) for b in problem.breaks_on(d)):
        return Rule.CLEAR_OF_BREAKS
    if problem.is_unavailable(session_id, d, start, end):
        return Rule.SESSION_AVAILABLE
    if any(problem.is_unavailable(p, d, start, end) for p in required):
        return Rule.PERSON_AVAILABLE
    return None


def _no_start(problem: Problem, session_id: str, lost: dict[Rule, int]) -> Blocked:
    title = problem.session_by_id[session_id].title
    reasons = ", ".join(f"{r.text} ({n} start times)" for r, n in sorted(lost.items(), key=lambda kv: -kv[1]))
    rule = max(lost, key=lambda r: lost[r]) if lost else Rule.WITHIN_DAY
    return Blocked(
        rule,
        session_id,
        f"Session {session_id} ({title}) has no possible start time: {reasons or 'no day has room for it'}.",
    )


def _no_room(problem: Problem, session_id: str, attendance: int) -> Blocked:
    sess = problem.session_by_id[session_id]
    if sess.room is not None:
        room = problem.room_by_id[sess.room]
        rule = Rule.ROOM_CAPACITY if room.capacity < attendance else Rule.ROOM_FEATURES
        return Blocked(
            rule,
            session_id,
            f"Session {session_id} ({sess.title}) is fixed in {room.name}, which does not fit it "
            f"({attendance} people, needs {', '.join(sorted(sess.features)) or 'no features'}; "
            f"the room seats {room.capacity} and has {', '.join(sorted(room.features)) or 'no features'}).",
        )
    equipped = [r for r in problem.rooms if sess.features <= r.features]
    if not equipped:
        return Blocked(
            Rule.ROOM_FEATURES,
            session_id,
            f"Session {session_id} ({sess.title}) needs {', '.join(sorted(sess.features))}, "
            "which no room has all of.",
        )
    biggest = max(r.capacity for r in equipped)
    return Blocked(
        Rule.ROOM_CAPACITY,
        session_id,
        f"Session {session_id} ({sess.title}) expects {attendance} people, but the largest suitable room "
        f"seats {biggest}.",
    )


def _ranges(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted slot indices as maximal [first, end) runs."""
    out: list[tuple[int, int]] = []
    for g in indices:
        if out and out[-1][1] == g:
            out[-1] = (out[-1][0], g + 1)
        else:
            out.append((g, g + 1))
    return out
